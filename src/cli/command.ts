/**
 * What the package's commands share: where they write, how they read their
 * options (Node's `util.parseArgs`), their help text, and usage errors.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { InputError } from './load';
import { ArgoCdVersion } from '../argocd-version';
import { ARGOCD_EXPR_VERSIONS } from '../private/expr-parser';
import { compareVersions } from '../private/versions';

/** The package's command, as users type it. */
export const COMMAND = 'cdk8s-argocd-backstage-notifications';

/** Where a command writes, and how it reads stdin (replaced in tests). */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly readStdin: () => Buffer | string;
}

export const PROCESS_IO: CliIo = {
  stdout: text => process.stdout.write(text),
  stderr: text => process.stderr.write(text),
  readStdin: () => fs.readFileSync(0),
};

/** What the commands read of the package's package.json (two folders up from src/cli and lib/cli). */
export function packageJson(): { readonly version: string; readonly repository?: string | { readonly url?: string } } {
  return JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf-8'));
}

/** A command line that cannot be run as given: exit status 2, with the usage. */
export class UsageError extends Error {}

/** One option of a command: how `util.parseArgs` reads it, and its help. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  /** The value's name in the help (`X.Y`), for a string option. */
  readonly value?: string;
  /** The help, one line each. */
  readonly help: readonly string[];
}

/** A verb of the command line (`doctor`, `migrate`). */
export interface Command {
  readonly name: string;
  /** What it does, in one lowercase line: the top-level help lists it. */
  readonly summary: string;
  /** The options `run` reads, in the order the help lists them. */
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** The help: usage line, description and exit statuses; `helpText` adds the options. */
  readonly description: string;
  readonly exitStatus: string;
  /** Runs the command on its arguments (after the verb); returns the exit status. Throws UsageError. */
  run(argv: string[], io: CliIo): number;
}

/** The options and positional arguments of a command line. */
export interface ParsedArgs {
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  readonly positionals: string[];
}

/**
 * Reads a command line with `util.parseArgs`: options anywhere, `--opt value`
 * or `--opt=value`, `-` a positional (stdin), `--` ends the options. Unknown
 * options, a string option without its value and a flag given a value are
 * usage errors worded the way the rest of the command speaks.
 */
export function parseCommandLine(argv: string[], options: Readonly<Record<string, OptionSpec>>): ParsedArgs {
  const config: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const [name, spec] of Object.entries(options)) config[name] = { type: spec.type, ...(spec.short ? { short: spec.short } : {}) };
  // Lenient parsing gives every token, so that the errors can name what is wrong.
  const { values, positionals, tokens } = parseArgs({ args: argv, options: config, strict: false, allowPositionals: true, tokens: true });
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const spec = options[token.name];
    if (!spec) throw new UsageError(`unknown option ${token.rawName}`);
    if (spec.type === 'string' && token.value === undefined) throw new UsageError(`${token.rawName} needs a value`);
    if (spec.type === 'boolean' && token.value !== undefined) throw new UsageError(`${token.rawName} takes no value`);
  }
  return { values, positionals };
}

/** The options part of a help text, from the specs. */
export function optionsHelp(options: Readonly<Record<string, OptionSpec>>): string {
  // An option without help is accepted but not shown (one kept only to say where its job went).
  const shown = Object.entries(options).filter(([, spec]) => spec.help.length > 0);
  const flags = shown.map(([name, spec]) => `${spec.short ? `-${spec.short}, ` : ''}--${name}${spec.value ? ` ${spec.value}` : ''}`);
  const width = Math.max(...flags.map(f => f.length)) + 2;
  return shown
    .map(([, spec], i) => spec.help.map((line, n) => `  ${(n === 0 ? flags[i] : '').padEnd(width)}${line}`.trimEnd()).join('\n'))
    .join('\n');
}

/** The whole help of a command. */
export function helpText(command: Command): string {
  return `${command.description}\noptions:\n${optionsHelp(command.options)}\n\n${command.exitStatus}`;
}

/** The value of `--argocd-version`, checked as `ArgoCdVersion.of` checks it. */
export function argocdVersionOption(value: string | boolean | undefined): ArgoCdVersion | undefined {
  if (typeof value !== 'string') return undefined;
  const version = ArgoCdVersion.of(value);
  const problem = version._problem();
  if (problem) throw new UsageError(problem.replace('argocdVersion', '--argocd-version').replace(/ArgoCdVersion\.of\('([^']*)'\)/, '$1'));
  // A release after the newest one whose expr is known is not a release yet (or a typo): checking against it would guess.
  const newest = Object.keys(ARGOCD_EXPR_VERSIONS).sort(compareVersions).pop()!;
  const minor = /^v?(\d+)\.(\d+)/.exec(value.trim());
  if (minor && compareVersions(`${Number(minor[1])}.${Number(minor[2])}`, newest) > 0) {
    throw new UsageError(`--argocd-version "${value}" is newer than the newest Argo CD release the doctor knows (${newest}): give the release you run, ${newest} or older`);
  }
  return version;
}

/** The option `--argocd-version`, as the commands that read it declare it. */
export const ARGOCD_VERSION_OPTION: OptionSpec = {
  type: 'string',
  value: 'X.Y',
  help: ['the Argo CD release the configuration runs on', '(default: check for every supported release)'],
};

export const HELP_OPTION: OptionSpec = { type: 'boolean', short: 'h', help: ['print this help and exit'] };

/**
 * Input a command cannot use: a file it cannot read or that is not YAML, or
 * one it could not take apart (nested YAML with an alias to no anchor, nesting
 * deeper than it follows). Exit 2, as for any input it cannot read, so that CI
 * does not take it for findings (1) or a pass (0).
 */
export function unusableInput(io: CliIo, command: string, e: unknown): number {
  const message = e instanceof InputError ? e.message : `could not check the inputs: ${e instanceof Error ? e.message : String(e)}`;
  io.stderr(`${COMMAND} ${command}: ${message}\n`);
  return 2;
}
