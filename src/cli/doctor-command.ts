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
import { toJsonReport } from './json-format';
import { InputError, readInputs } from './load';
import { toSarif } from './sarif-format';
import { toText } from './text-format';
import { runDoctor } from '../doctor/doctor';
import { plainText } from '../doctor/rule-docs';
import { RULES } from '../doctor/rules';
import { IGNORE_ANNOTATION_PREFIX } from '../doctor/suppression';

const FORMATS = ['text', 'json', 'sarif'];

export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'find known faults in a hand-written setup (exit 1 when there is an error)',
  options: {
    'format': {
      type: 'string',
      value: 'text|json|sarif',
      help: ['output for people (default), for machines, or SARIF 2.1.0', 'for code-scanning tools'],
    },
    'argocd-version': ARGOCD_VERSION_OPTION,
    'list-rules': { type: 'boolean', help: ['print the rules and exit (with --format json or sarif:', 'their metadata)'] },
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

To silence a rule on one object, annotate the object with
${IGNORE_ANNOTATION_PREFIX}RULE: "REASON";
its findings of that rule are then reported as suppressed, and not counted.
`,
  exitStatus: 'exit status: 0 no errors (warnings allowed), 1 errors found, 2 unusable input\n',

  run(argv: string[], io: CliIo): number {
    const { values, positionals } = parseCommandLine(argv, this.options);
    if (values.migrate) throw new UsageError(`--migrate is not an option: migrating is a command of its own, ${COMMAND} migrate PATH...`);
    const format = (values.format ?? 'text') as string;
    if (!FORMATS.includes(format)) throw new UsageError(`--format must be "text", "json" or "sarif", not "${format}"`);
    const argocdVersion = argocdVersionOption(values['argocd-version']);
    if (values.help) {
      io.stdout(helpText(this));
      return 0;
    }
    if (values['list-rules']) {
      if (format === 'json') {
        io.stdout(JSON.stringify({ rules: RULES.map(r => r.meta) }, undefined, 2) + '\n');
      } else if (format === 'sarif') {
        io.stdout(JSON.stringify(toSarif(RULES), undefined, 2) + '\n');
      } else {
        const width = Math.max(...RULES.map(r => r.meta.id.length));
        io.stdout(RULES.map(({ meta }) => `${meta.id.padEnd(width)}  ${plainText(meta.summary)}\n`).join(''));
      }
      return 0;
    }
    let result;
    try {
      // A file that cannot be used is a finding of its own; only a run where nothing could be read is unusable.
      const sources = readInputs(positionals, io.readStdin, { keepGoing: true });
      const unreadable = sources.filter(s => s.unreadable !== undefined);
      if (unreadable.length === sources.length) throw new InputError(unreadable.map(s => s.unreadable).join('; '));
      result = runDoctor(sources, { argocdVersion });
    } catch (e) {
      return unusableInput(io, 'doctor', e);
    }
    for (const u of result.unknownIgnores) {
      io.stderr(`${COMMAND} doctor: ${u.where.file}:${u.where.line}: ${u.where.object}: ${u.annotation} names no rule, so it silences nothing (doctor --list-rules lists them)\n`);
    }
    if (format === 'json') {
      io.stdout(JSON.stringify(toJsonReport(result), undefined, 2) + '\n');
    } else if (format === 'sarif') {
      io.stdout(JSON.stringify(toSarif(RULES, result), undefined, 2) + '\n');
    } else {
      io.stdout(toText(result));
    }
    return result.errors > 0 ? 1 : 0;
  },
};
