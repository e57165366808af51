/**
 * `doctor --format json`: the findings for machines.
 */
import { DoctorResult } from '../doctor/doctor';
import { Finding } from '../doctor/model';

/** One finding as `--format json` prints it. */
export interface JsonFinding {
  readonly rule: string;
  readonly severity: 'error' | 'warning';
  readonly file: string;
  readonly line: number;
  readonly object: string;
  readonly key: string | null;
  /** What is wrong, and what happens at runtime. */
  readonly message: string;
  readonly fix: string;
}

/** A finding an ignore annotation silenced. */
export interface JsonSuppressedFinding extends JsonFinding {
  /** The annotation, and its value. */
  readonly suppressedBy: string;
  readonly reason: string;
}

/** What `--format json` prints. `suppressed` and `summary.suppressed` are there only when an annotation silenced a finding. */
export interface JsonReport {
  readonly findings: JsonFinding[];
  readonly suppressed?: JsonSuppressedFinding[];
  readonly summary: { readonly errors: number; readonly warnings: number; readonly suppressed?: number };
}

function jsonFinding(f: Finding): JsonFinding {
  return {
    rule: f.rule,
    severity: f.severity,
    file: f.where.file,
    line: f.where.line,
    object: f.where.object,
    key: f.key ?? null,
    message: `${f.message}: ${f.impact}`,
    fix: f.fix,
  };
}

export function toJsonReport(result: DoctorResult): JsonReport {
  const findings = result.findings.map(jsonFinding);
  const summary = { errors: result.errors, warnings: result.warnings };
  if (result.suppressed.length === 0) return { findings, summary };
  return {
    findings,
    suppressed: result.suppressed.map(f => ({ ...jsonFinding(f), suppressedBy: f.suppression.annotation, reason: f.suppression.reason })),
    summary: { ...summary, suppressed: result.suppressed.length },
  };
}
