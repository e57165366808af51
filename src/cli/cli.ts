/**
 * The package's command: `cdk8s-argocd-backstage-notifications COMMAND ...`,
 * with the verbs `doctor` and `migrate`, the way `cdk8s synth` and
 * `cdk8s import` are verbs of one command.
 */
import { CliIo, Command, COMMAND, helpText, OptionSpec, optionsHelp, packageJson, parseCommandLine, PROCESS_IO, UsageError } from './command';
import { doctorCommand } from './doctor-command';
import { migrateCommand } from './migrate-command';

/** The verbs, in the order the help lists them. */
export const COMMANDS: readonly Command[] = [doctorCommand, migrateCommand];

/** The options before the verb. */
const TOP_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  help: { type: 'boolean', short: 'h', help: ['print this help and exit (COMMAND --help: the command\'s)'] },
  version: { type: 'boolean', help: ['print the version of the package and exit'] },
};

export const USAGE = `usage: ${COMMAND} COMMAND [options] PATH...

Checks Argo CD to Backstage notifications setups written by hand, and
migrates them to this library.

commands:
${(() => {
  const width = Math.max(...COMMANDS.map(c => c.name.length)) + 2;
  return COMMANDS.map(c => `  ${c.name.padEnd(width)}${c.summary}`).join('\n');
})()}

options:
${optionsHelp(TOP_OPTIONS)}

Run "${COMMAND} COMMAND --help" for the options of a command.
`;

/** Runs the command line; returns the exit status. */
export function main(argv: string[], io: CliIo = PROCESS_IO): number {
  // Options before the verb are the command's own; the verb's come after it.
  const at = argv.findIndex(arg => !arg.startsWith('-'));
  const verb = at < 0 ? undefined : argv[at];
  const command = COMMANDS.find(c => c.name === verb);
  try {
    const { values } = parseCommandLine(at < 0 ? argv : argv.slice(0, at), TOP_OPTIONS);
    if (values.help) {
      io.stdout(USAGE);
      return 0;
    }
    if (values.version) {
      io.stdout(`${packageJson().version}\n`);
      return 0;
    }
    if (verb === undefined) throw new UsageError(`no command: give one of ${COMMANDS.map(c => c.name).join(', ')}`);
    if (!command) throw new UsageError(`unknown command "${verb}": the commands are ${COMMANDS.map(c => `"${c.name}"`).join(' and ')}`);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr(`${COMMAND}: ${e.message}\n\n${USAGE}`);
    return 2;
  }
  try {
    return command.run(argv.slice(at + 1), io);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr(`${COMMAND} ${command.name}: ${e.message}\n\n${helpText(command)}`);
    return 2;
  }
}

// Run as a script (`node lib/cli/cli.js doctor ...`), as the bin does.
if (require.main === module) process.exitCode = main(process.argv.slice(2));
