/**
 * `cdk8s-argocd-backstage-notifications doctor PATH...`: the rules over the
 * inputs, printed as text or JSON; exit 1 when an error is found.
 */
import {
  argocdVersionOption,
  ARGOCD_VERSION_OPTION,
  CliIo,
  Command,
  COMMAND,
  HELP_OPTION,
  helpText,
  parseCommandLine,
  unusableInput,
  UsageError,
} from './command';
import { toJsonReport, toText } from './format';
import { readInputs } from './load';
import { runDoctor } from '../doctor/doctor';
import { plainText } from '../doctor/rule-docs';
import { RULES } from '../doctor/rules';

const FORMATS = ['text', 'json'] as const;
type Format = typeof FORMATS[number];

export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'find known faults in a hand-written setup (exit 1 when there is an error)',
  options: {
    'format': { type: 'string', value: 'text|json', help: ['output for people (default) or machines'] },
    'argocd-version': ARGOCD_VERSION_OPTION,
    'list-rules': { type: 'boolean', help: ['print the rules and exit'] },
    'help': HELP_OPTION,
    // Not in the help: migrating is a command of its own.
    'migrate': { type: 'boolean', help: [] },
  },
  description: `usage: ${COMMAND} doctor [options] PATH...

Finds known faults in an Argo CD to Backstage notifications setup: the
argocd-notifications-cm ConfigMap or NotificationsConfiguration, the
argocd-notifications-secret (key names only, values are never read out),
Applications, ApplicationSets, and Backstage app-config, RHDH dynamic-plugins
config and rhdh-operator Backstage resources.

PATH is a file or folder of YAML (multi-document, kubectl -o yaml lists,
Kustomize, Helm or cdk8s output); - reads stdin.
`,
  exitStatus: 'exit status: 0 no errors (warnings allowed), 1 errors found, 2 unusable input\n',

  run(argv: string[], io: CliIo): number {
    const { values, positionals } = parseCommandLine(argv, this.options);
    if (values.migrate) throw new UsageError(`--migrate is not an option: migrating is a command of its own, ${COMMAND} migrate PATH...`);
    const format = (values.format ?? 'text') as string;
    if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be "text" or "json", not "${format}"`);
    const argocdVersion = argocdVersionOption(values['argocd-version']);
    if (values.help) {
      io.stdout(helpText(this));
      return 0;
    }
    if (values['list-rules']) {
      const width = Math.max(...RULES.map(r => r.meta.id.length));
      io.stdout(RULES.map(({ meta }) => `${meta.id.padEnd(width)}  ${plainText(meta.summary)}\n`).join(''));
      return 0;
    }
    let result;
    try {
      result = runDoctor(readInputs(positionals, io.readStdin), { argocdVersion });
    } catch (e) {
      return unusableInput(io, 'doctor', e);
    }
    if ((format as Format) === 'json') {
      io.stdout(JSON.stringify(toJsonReport(result), undefined, 2) + '\n');
    } else {
      io.stdout(toText(result));
    }
    return result.errors > 0 ? 1 : 0;
  },
};
