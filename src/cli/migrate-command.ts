/**
 * `cdk8s-argocd-backstage-notifications migrate PATH...`: a cdk8s chart that
 * rebuilds the inputs' setup with the library's constructs, on stdout; what it
 * cannot carry over on stderr.
 */
import { argocdVersionOption, CliIo, Command, COMMAND, HELP_OPTION, helpText, parseCommandLine, unusableInput } from './command';
import { readInputs } from './load';
import { buildInventory } from '../doctor/inventory';
import { migrate } from '../migrate/migrate';

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'print a cdk8s chart that rebuilds a hand-written setup with this library',
  options: {
    'argocd-version': {
      type: 'string',
      value: 'X.Y',
      help: ['the Argo CD release the configuration runs on', '(the chart declares it as argocdVersion)'],
    },
    'help': HELP_OPTION,
  },
  description: `usage: ${COMMAND} migrate [options] PATH...

Prints a cdk8s chart (TypeScript) that rebuilds an Argo CD to Backstage
notifications setup with this library's constructs: the service URL and token
key, each trigger as the matching built-in trigger or a custom one, and the
Applications and ApplicationSets with their entity refs, subscriptions and
specs. What it cannot carry over is listed, with why, at the top of the chart
and on stderr.

PATH is a file or folder of YAML, as for doctor; - reads stdin.
`,
  exitStatus: 'exit status: 0 chart printed, 2 unusable input\n',

  run(argv: string[], io: CliIo): number {
    const { values, positionals } = parseCommandLine(argv, this.options);
    const argocdVersion = argocdVersionOption(values['argocd-version']);
    if (values.help) {
      io.stdout(helpText(this));
      return 0;
    }
    // The rules do not run: migrating needs only what the inputs hold.
    let migration;
    try {
      migration = migrate(buildInventory(readInputs(positionals, io.readStdin), { argocdVersion }));
    } catch (e) {
      return unusableInput(io, 'migrate', e);
    }
    io.stdout(migration.code);
    for (const note of migration.notCarried) io.stderr(`not carried over: ${note}\n`);
    return 0;
  },
};
