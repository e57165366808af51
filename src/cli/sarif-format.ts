/**
 * `doctor --format sarif`: SARIF 2.1.0, for code-scanning tools, as
 * kube-linter's sarif_format.go writes it. `tool.driver.rules` come from the
 * rules' metadata, each with its description, help and link to its section
 * of docs/doctor-rules.md; a result per finding, with the rule, the level, the
 * message, the file (relative to the working folder) and line, and the object
 * as a logical location. A finding an ignore annotation silenced is a result
 * with an in-source suppression and its reason as the justification.
 */
import * as path from 'path';
import { pathToFileURL } from 'url';
import { COMMAND, packageJson } from './command';
import { DoctorResult } from '../doctor/doctor';
import { Finding, Rule, RuleMeta } from '../doctor/model';
import { paragraphs, plainText, RULES_REFERENCE } from '../doctor/rule-docs';
import { ignoreAnnotation, SuppressedFinding } from '../doctor/suppression';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

/** A text in both of SARIF's formats. */
interface MultiformatMessage {
  readonly text: string;
  readonly markdown?: string;
}

/** The parts of a SARIF log the doctor writes. */
export interface SarifLog {
  readonly $schema: string;
  readonly version: '2.1.0';
  readonly runs: ReadonlyArray<{
    readonly tool: { readonly driver: SarifDriver };
    readonly invocations: ReadonlyArray<{ readonly executionSuccessful: boolean; readonly workingDirectory: { readonly uri: string } }>;
    readonly results: SarifResult[];
  }>;
}

interface SarifDriver {
  readonly name: string;
  readonly version: string;
  readonly informationUri: string;
  readonly rules: SarifRule[];
}

interface SarifRule {
  readonly id: string;
  readonly shortDescription: MultiformatMessage;
  readonly fullDescription: MultiformatMessage;
  readonly help: MultiformatMessage;
  readonly helpUri: string;
  readonly defaultConfiguration: { readonly level: 'error' | 'warning' };
  readonly properties: { readonly severities: readonly string[]; readonly ignoreAnnotation: string };
}

export interface SarifResult {
  readonly ruleId: string;
  readonly ruleIndex: number;
  readonly level: 'error' | 'warning';
  readonly message: { readonly text: string };
  readonly locations: ReadonlyArray<{
    readonly physicalLocation: { readonly artifactLocation: { readonly uri: string }; readonly region: { readonly startLine: number } };
    readonly logicalLocations: ReadonlyArray<{ readonly fullyQualifiedName: string; readonly kind: string }>;
  }>;
  /** The other places of the finding's cause, each with what is wrong there. */
  readonly relatedLocations?: ReadonlyArray<{
    readonly id: number;
    readonly physicalLocation: { readonly artifactLocation: { readonly uri: string }; readonly region: { readonly startLine: number } };
    readonly message: { readonly text: string };
  }>;
  readonly suppressions?: ReadonlyArray<{ readonly kind: 'inSource'; readonly justification: string }>;
  readonly properties: { readonly object: string; readonly key?: string; readonly fix: string; readonly count: number };
}

/** The project's home, from package.json's repository (`https://github.com/o/r`). */
function homepage(): string {
  const repository = packageJson().repository;
  const url = typeof repository === 'string' ? repository : repository?.url ?? '';
  return url.replace(/^git\+/, '').replace(/\.git$/, '');
}

function sarifRule(meta: RuleMeta, home: string): SarifRule {
  const description = paragraphs(meta.description);
  const help = [`Finds ${meta.summary}.`, ...description, `At runtime: ${meta.runtime}`, `Remediation: ${meta.remediation}`,
    `Silence it on one object with the annotation ${ignoreAnnotation(meta.id)}: "<reason>".`];
  return {
    id: meta.id,
    shortDescription: { text: plainText(meta.summary), markdown: meta.summary },
    fullDescription: { text: description.map(p => plainText(p).replace(/\n/g, ' ')).join('\n\n'), markdown: description.join('\n\n') },
    help: { text: help.map(p => plainText(p).replace(/\n/g, ' ')).join('\n\n'), markdown: help.map(p => p.replace(ignoreAnnotation(meta.id), `\`${ignoreAnnotation(meta.id)}\``)).join('\n\n') },
    helpUri: `${home}/blob/main/${RULES_REFERENCE}#${meta.id}`,
    defaultConfiguration: { level: meta.severities[0] },
    properties: { severities: meta.severities, ignoreAnnotation: ignoreAnnotation(meta.id) },
  };
}

/**
 * A file as an artifact URI: relative to the working folder (code-scanning
 * tools resolve those against the repository's root), with `/` separators.
 */
function artifactUri(file: string, cwd: string): string {
  const relative = path.isAbsolute(file) ? path.relative(cwd, file) : file;
  return relative.split(path.sep).map(part => encodeURIComponent(part)).join('/');
}

function sarifResult(f: Finding | SuppressedFinding, ruleIndex: number, cwd: string): SarifResult {
  const suppression = 'suppression' in f ? f.suppression : undefined;
  return {
    ruleId: f.rule,
    ruleIndex,
    level: f.severity,
    message: { text: `${f.message}\nat runtime: ${f.impact}\nfix: ${f.fix}` },
    locations: [{
      physicalLocation: { artifactLocation: { uri: artifactUri(f.where.file, cwd) }, region: { startLine: f.where.line } },
      logicalLocations: [{ fullyQualifiedName: f.where.object, kind: 'resource' }],
    }],
    ...(f.places.length > 1
      ? {
        relatedLocations: f.places.slice(1).map((p, i) => ({
          id: i + 1,
          physicalLocation: { artifactLocation: { uri: artifactUri(p.where.file, cwd) }, region: { startLine: p.where.line } },
          message: { text: `${p.where.object}${p.key ? ` ${p.key}` : ''}: ${p.message}` },
        })),
      }
      : {}),
    ...(suppression ? { suppressions: [{ kind: 'inSource' as const, justification: suppression.reason === '' ? suppression.annotation : suppression.reason }] } : {}),
    properties: { object: f.where.object, ...(f.key ? { key: f.key } : {}), fix: f.fix, count: f.places.length },
  };
}

/** The SARIF log of a run (no result for `--list-rules`), with every rule the doctor ran. */
export function toSarif(rules: readonly Rule[], result?: DoctorResult, cwd: string = process.cwd()): SarifLog {
  const home = homepage();
  const index = new Map(rules.map((r, i) => [r.meta.id, i]));
  const findings = result ? [...result.findings, ...result.suppressed] : [];
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: `${COMMAND} doctor`, version: packageJson().version, informationUri: home, rules: rules.map(r => sarifRule(r.meta, home)) } },
      invocations: [{ executionSuccessful: true, workingDirectory: { uri: `${pathToFileURL(cwd).href}/` } }],
      results: findings.map(f => sarifResult(f, index.get(f.rule) ?? -1, cwd)),
    }],
  };
}
