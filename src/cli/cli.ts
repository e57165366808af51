/**
 * The package's command: `cdk8s-argocd-backstage-notifications doctor`.
 */
import * as fs from 'fs';
import { ArgoCdVersion } from '../argocd-version';
import { toJsonReport, toText } from './format';
import { InputError, readInputs } from './load';
import { runDoctor } from '../doctor/doctor';
import { buildInventory } from '../doctor/inventory';
import { RULES } from '../doctor/rules';
import { migrate } from '../migrate/migrate';

/** Where the command writes, and how it reads stdin (replaced in tests). */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly readStdin: () => Buffer | string;
}

const PROCESS_IO: CliIo = {
  stdout: text => process.stdout.write(text),
  stderr: text => process.stderr.write(text),
  readStdin: () => fs.readFileSync(0),
};

export const COMMAND = 'cdk8s-argocd-backstage-notifications';

export const USAGE = `usage: ${COMMAND} doctor [options] PATH...

Finds known faults in an Argo CD to Backstage notifications setup: the
argocd-notifications-cm ConfigMap or NotificationsConfiguration, the
argocd-notifications-secret (key names only, values are never read out),
Applications, ApplicationSets, and Backstage app-config, RHDH dynamic-plugins
config and rhdh-operator Backstage resources.

PATH is a file or folder of YAML (multi-document, kubectl -o yaml lists,
Kustomize, Helm or cdk8s output); - reads stdin.

options:
  --format text|json      output for people (default) or machines
  --argocd-version X.Y    the Argo CD release the configuration runs on
                          (default: check for every supported release)
  --migrate               print a cdk8s chart that rebuilds the setup with
                          this library's constructs, instead of findings
  --list-rules            print the rules and exit
  -h, --help              print this help and exit

exit status: 0 no errors (warnings allowed), 1 errors found, 2 unusable input
`;

class UsageError extends Error {}

interface Args {
  readonly paths: string[];
  readonly format: 'text' | 'json';
  readonly argocdVersion?: ArgoCdVersion;
  readonly migrate: boolean;
  readonly listRules: boolean;
  readonly help: boolean;
}

function parseArgs(argv: string[]): Args {
  const paths: string[] = [];
  let format: 'text' | 'json' = 'text';
  let formatGiven = false;
  let argocdVersion: ArgoCdVersion | undefined;
  let migrateMode = false;
  let listRules = false;
  let help = false;
  let command: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (name: string): string => {
      const eq = arg.indexOf('=');
      if (eq >= 0) return arg.slice(eq + 1);
      if (i + 1 >= argv.length) throw new UsageError(`${name} needs a value`);
      return argv[++i];
    };
    if (arg === '-h' || arg === '--help') {help = true;} else if (arg === '--format' || arg.startsWith('--format=')) {
      const f = value('--format');
      if (f !== 'text' && f !== 'json') throw new UsageError(`--format must be "text" or "json", not "${f}"`);
      format = f;
      formatGiven = true;
    } else if (arg === '--argocd-version' || arg.startsWith('--argocd-version=')) {
      const v = ArgoCdVersion.of(value('--argocd-version'));
      const problem = v._problem();
      if (problem) throw new UsageError(problem.replace('argocdVersion', '--argocd-version').replace(/ArgoCdVersion\.of\('([^']*)'\)/, '$1'));
      argocdVersion = v;
    } else if (arg === '--migrate') {migrateMode = true;} else if (arg === '--list-rules') {listRules = true;} else if (arg === '-') {paths.push(arg);} else if (arg === '--') {paths.push(...argv.slice(i + 1)), (i = argv.length);} else if (arg.startsWith('-')) {throw new UsageError(`unknown option ${arg}`);} else if (command === undefined) {command = arg;} else {paths.push(arg);}
  }
  if (migrateMode && formatGiven) throw new UsageError('--format applies to findings; --migrate prints TypeScript: give one of them');
  if (!help && command === undefined) throw new UsageError('no command: the command is "doctor"');
  if (!help && command !== 'doctor') throw new UsageError(`unknown command "${command}": the command is "doctor"`);
  return { paths, format, argocdVersion, migrate: migrateMode, listRules, help };
}

/** Runs the command; returns the exit status. */
export function main(argv: string[], io: CliIo = PROCESS_IO): number {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`${COMMAND}: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  if (args.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (args.listRules) {
    const width = Math.max(...RULES.map(r => r.id.length));
    io.stdout(RULES.map(r => `${r.id.padEnd(width)}  ${r.summary}\n`).join(''));
    return 0;
  }
  let sources;
  try {
    sources = readInputs(args.paths, io.readStdin);
  } catch (e) {
    if (e instanceof InputError) {
      io.stderr(`${COMMAND} doctor: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  if (args.migrate) {
    // The rules do not run: migrating needs only what the inputs hold.
    let migration;
    try {
      migration = migrate(buildInventory(sources, { argocdVersion: args.argocdVersion }));
    } catch (e) {
      return failed(io, e);
    }
    io.stdout(migration.code);
    for (const note of migration.notCarried) io.stderr(`not carried over: ${note}\n`);
    return 0;
  }
  let result;
  try {
    result = runDoctor(sources, { argocdVersion: args.argocdVersion });
  } catch (e) {
    return failed(io, e);
  }
  if (args.format === 'json') {
    io.stdout(JSON.stringify(toJsonReport(result), undefined, 2) + '\n');
  } else {
    io.stdout(toText(result));
  }
  return result.errors > 0 ? 1 : 0;
}

/**
 * An input the doctor could not take apart (nested YAML with an alias to no
 * anchor, nesting deeper than it follows): exit 2, as for any input it cannot
 * read, so that CI does not take it for findings (1) or a pass (0).
 */
function failed(io: CliIo, e: unknown): number {
  const message = e instanceof InputError ? e.message : `could not check the inputs: ${e instanceof Error ? e.message : String(e)}`;
  io.stderr(`${COMMAND} doctor: ${message}\n`);
  return 2;
}

// Run as a script (`node lib/cli/cli.js doctor ...`), as the bin does.
if (require.main === module) process.exitCode = main(process.argv.slice(2));
