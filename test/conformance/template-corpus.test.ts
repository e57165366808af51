/**
 * Checks the TypeScript port of text/template's parser against Go's own, on
 * every template of test/go-template-corpus.ts: both must accept the same
 * templates, build the same trees, and reject the others with the same
 * message on the same line.
 *
 * Go here is Debian's (1.19) with sprig 3.2.3, built in GOPATH mode; Argo CD
 * v3.5.1 runs a newer Go and sprig 3.3.0. The corpus marks the entries on
 * which they differ, with what the local ones answer, and that is checked too.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ListNode, formatNode, parseGoTemplate, walk } from '../../src/private/go-template-parser';
import {
  APPLICATIONSET_TEMPLATE_FUNCS,
  NOTIFICATIONS_SLACK_TEMPLATE_FUNCS,
  NOTIFICATIONS_TEMPLATE_FUNCS,
} from '../../src/private/template-functions';
import { CorpusFuncs, INVALID_TEMPLATES, TemplateCorpusEntry, VALID_TEMPLATES, corpusFuncs } from '../go-template-corpus';

const GOPATH = process.env.CONFORMANCE_GOPATH ?? '/usr/share/gocode';
const CHECKER_DIR = path.join(__dirname, 'templatecheck');

/** How to run the Go checker and the TypeScript parser for each function table. */
const TABLES: Record<CorpusFuncs, { readonly args: string[]; readonly funcs: ReadonlySet<string> }> = {
  'notifications': { args: [], funcs: NOTIFICATIONS_TEMPLATE_FUNCS },
  'notifications-slack': {
    args: ['-extra', [...NOTIFICATIONS_SLACK_TEMPLATE_FUNCS].join(',')],
    funcs: new Set([...NOTIFICATIONS_TEMPLATE_FUNCS, ...NOTIFICATIONS_SLACK_TEMPLATE_FUNCS]),
  },
  'applicationset': {
    args: ['-extra', 'normalize,slugify,toYaml,fromYaml,fromYamlArray', '-drop', 'getHostByName'],
    funcs: APPLICATIONSET_TEMPLATE_FUNCS,
  },
};

interface GoResult {
  readonly ok: boolean;
  readonly error?: string;
  readonly trees?: Record<string, string>;
}

/** Builds the checker into a temporary directory, in GOPATH mode (there is no module proxy). */
function buildChecker(dir: string): string {
  const bin = path.join(dir, 'templatecheck');
  try {
    execFileSync('go', ['build', '-o', bin, '.'], {
      cwd: CHECKER_DIR,
      env: { ...process.env, GO111MODULE: 'off', GOPATH, GOFLAGS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (e: any) {
    throw new Error(`building the Go template checker failed (run test/conformance/install-deps.sh): ${e.stderr ?? e.message}`);
  }
  return bin;
}

function runChecker(bin: string, args: string[], texts: string[]): GoResult[] {
  const res = spawnSync(bin, args, { input: JSON.stringify(texts), encoding: 'utf-8', maxBuffer: 256 * 1024 * 1024 });
  if (res.status !== 0) throw new Error(`template checker exited ${res.status}: ${res.stderr}`);
  return JSON.parse(res.stdout);
}

/** Go's "template: t:LINE: MESSAGE", split. */
function splitGoError(error: string): { line: number; message: string } {
  const match = /^template: t:(\d+): ([\s\S]*)$/.exec(error);
  if (!match) throw new Error(`unexpected Go error: ${error}`);
  return { line: Number(match[1]), message: match[2] };
}

/** Go 1.19 writes "$x = 1" as "$x := 1"; later releases write what was parsed. */
function formatAsGo119(tree: ListNode): string {
  const copy = structuredClone(tree);
  walk(copy, node => {
    if (node.type === 'Pipe') (node as { isAssign: boolean }).isAssign = false;
  });
  return formatNode(copy);
}

/** What Go 1.19 reports: 'ok', or its message. */
function localAnswer(go: GoResult): string {
  return go.ok ? 'ok' : splitGoError(go.error!).message;
}

function title(entry: TemplateCorpusEntry): string {
  const text = JSON.stringify(entry.text);
  return entry.note ?? (text.length > 80 ? `${text.slice(0, 77)}...` : text);
}

const ENTRIES = [...VALID_TEMPLATES, ...INVALID_TEMPLATES];

describe('the Go template parser agrees with Go text/template', () => {
  const results = new Map<TemplateCorpusEntry, GoResult>();
  let tmp: string;

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'templatecheck-'));
    const bin = buildChecker(tmp);
    for (const [table, { args }] of Object.entries(TABLES)) {
      const entries = ENTRIES.filter(e => corpusFuncs(e) === table);
      const answers = runChecker(bin, args, entries.map(e => e.text));
      entries.forEach((entry, i) => results.set(entry, answers[i]));
    }
  });

  afterAll(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const agreeing = ENTRIES.filter(e => !e.local);
  const differing = ENTRIES.filter(e => e.local);

  test.each(agreeing.map(e => [title(e), e] as const))('%s', (_title, entry) => {
    const go = results.get(entry)!;
    const ts = parseGoTemplate(entry.text, TABLES[corpusFuncs(entry)].funcs, { parseComments: false });
    if (!go.ok) {
      const { line, message } = splitGoError(go.error!);
      expect(ts.ok ? 'ok' : ts.error.message).toEqual(message);
      expect(ts.ok ? 0 : ts.error.position.line).toEqual(line);
      // The corpus states the same.
      expect(entry.error).toEqual(message);
      expect(entry.line ?? 1).toEqual(line);
      return;
    }
    expect(entry.error).toBeUndefined();
    if (!ts.ok) throw new Error(`Go parses it, the port says: ${ts.error.message}`);
    const trees: Record<string, string> = { t: formatAsGo119(ts.tree) };
    for (const [name, tree] of Object.entries(ts.defines)) trees[name] = formatAsGo119(tree);
    expect(trees).toEqual(go.trees);
  });

  test.each(differing.map(e => [title(e), e] as const))('%s (differs on Go 1.19 or sprig 3.2.3)', (_title, entry) => {
    expect(localAnswer(results.get(entry)!)).toEqual(entry.local!.result);
  });
});
