/**
 * `doctor --format json`: the findings for machines.
 */
import { DoctorResult } from '../doctor/doctor';
import { Finding } from '../doctor/model';

/** One place of a finding. */
export interface JsonPlace {
  readonly file: string;
  readonly line: number;
  readonly object: string;
  readonly key: string | null;
  /** What is wrong at this place. */
  readonly message: string;
}

/**
 * One finding (one cause) as `--format json` prints it: `file`, `line`,
 * `object` and `key` are its first place; `places` lists all `count` of them.
 */
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
  /** How many places share the cause. */
  readonly count: number;
  readonly places: JsonPlace[];
}

/** A finding an ignore annotation silenced. */
export interface JsonSuppressedFinding extends JsonFinding {
  /** The annotation, and its value. */
  readonly suppressedBy: string;
  readonly reason: string;
}

/**
 * What `--format json` prints. `suppressed` and `summary.suppressed` are there
 * only when an annotation silenced a finding, `notes` only when the inputs
 * left something unchecked.
 */
export interface JsonReport {
  readonly findings: JsonFinding[];
  readonly notes?: string[];
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
    count: f.places.length,
    places: f.places.map(p => ({ file: p.where.file, line: p.where.line, object: p.where.object, key: p.key ?? null, message: p.message })),
  };
}

export function toJsonReport(result: DoctorResult): JsonReport {
  const findings = result.findings.map(jsonFinding);
  const summary = { errors: result.errors, warnings: result.warnings };
  const notes = result.notes.length > 0 ? { notes: result.notes } : {};
  if (result.suppressed.length === 0) return { findings, ...notes, summary };
  return {
    findings,
    ...notes,
    suppressed: result.suppressed.map(f => ({ ...jsonFinding(f), suppressedBy: f.suppression.annotation, reason: f.suppression.reason })),
    summary: { ...summary, suppressed: result.suppressed.length },
  };
}
