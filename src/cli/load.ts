/**
 * Reads the doctor's input: files and folders of YAML, or stdin, as
 * multi-document streams. Input that cannot be used at all (a file that
 * cannot be read, text that is not YAML) is an InputError, which the command
 * reports with exit status 2.
 */
import * as fs from 'fs';
import * as path from 'path';
import { isMap, isScalar, isSeq, parseAllDocuments } from 'yaml';
import { SourceFile, TextSpan, YamlProblem, YamlView } from '../doctor/model';
import { applyV2, resolveV2 } from '../doctor/yaml-v2';

/** Input the doctor cannot use: the command exits with status 2. */
export class InputError extends Error {}

/** The name stdin is reported under. */
export const STDIN = '<stdin>';

/** File name endings read from folders. */
const YAML_FILE = /\.ya?ml$/i;

/**
 * Raw characters that yaml.v2 (through sigs.k8s.io/yaml, as kubectl, the API
 * server and Argo CD read manifests) rejects anywhere in a stream, or reads as
 * line breaks: C0 controls but tab, LF and CR; DEL and C1 controls;
 * U+2028/U+2029; the noncharacters U+FFFE/U+FFFF.
 */
const RAW_UNSAFE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\ufffe\uffff]/g;

function describeCharacter(c: string): string {
  const code = c.charCodeAt(0);
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  if (c === '\u0085' || c === '\u2028' || c === '\u2029') return `${hex} (read as a line break)`;
  if (c === '\ufffe' || c === '\uffff') return `${hex} (noncharacter)`;
  return `${hex} (control character)`;
}

/** Lists the files a path stands for: a file, or the YAML files under a folder (sorted, hidden entries and node_modules skipped). */
function expand(p: string, visited: Set<string> = new Set()): string[] {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(p);
  } catch (e: any) {
    throw new InputError(`cannot read ${p}: ${e.code === 'ENOENT' ? 'no such file or folder' : e.message}`);
  }
  if (!stat.isDirectory()) return [p];
  // Symlinked folders are followed, each real folder once (a link to a parent would loop).
  const real = fs.realpathSync(p);
  if (visited.has(real)) return [];
  visited.add(real);
  const out: string[] = [];
  const entries = fs.readdirSync(p, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const child = path.join(p, entry.name);
    const isDirectory = entry.isDirectory() || (entry.isSymbolicLink() && isFolder(child));
    if (isDirectory) out.push(...expand(child, visited));
    else if (YAML_FILE.test(entry.name)) out.push(child);
  }
  return out;
}

function isFolder(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    // A dangling link: read as a file, whose error names it.
    return false;
  }
}

function decode(file: string, bytes: Buffer): { text: string; problems: YamlProblem[] } {
  // yaml.v2 reads UTF-8, and UTF-16 with a byte order mark.
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    const le = bytes[0] === 0xff;
    const body = Buffer.from(bytes.subarray(2));
    if (!le) body.swap16();
    return { text: body.toString('utf16le'), problems: [] };
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), problems: [] };
  } catch {
    const text = bytes.toString('utf-8');
    const bad = text.indexOf('\ufffd');
    const line = bad < 0 ? 1 : text.slice(0, bad).split('\n').length;
    return {
      text,
      problems: [{ line, kind: 'encoding', message: `${file} is not valid UTF-8` }],
    };
  }
}

function blankRange(chars: string[], start: number, end: number): void {
  for (let i = start; i < end && i < chars.length; i++) {
    if (chars[i] !== '\n' && chars[i] !== '\r') chars[i] = ' ';
  }
}

/** What yaml.v2 reads a plain scalar as, when that is not a string: Kubernetes rejects it as a Secret value. */
const SECRET_VALUE_KINDS: Record<string, string | undefined> = { bool: 'a boolean', int: 'an integer', float: 'a number' };

/**
 * Blanks out the values of Secrets in the text and the parsed documents: the
 * doctor reads a Secret's key names and never holds on to its values.
 */
function dropSecretValues(text: string, docs: ReturnType<typeof parseAllDocuments>, problems: YamlProblem[]): string {
  const ranges: Array<[number, number]> = [];
  const lines = TextSpan.ofFile(text);
  const visitObject = (obj: any) => {
    if (!obj || typeof obj.get !== 'function') return;
    if (obj.get('kind') !== 'Secret') return;
    for (const field of ['data', 'stringData']) {
      const map = obj.get(field, true);
      if (!map || !Array.isArray(map.items)) continue;
      for (const pair of map.items) {
        const value = pair.value;
        // What yaml.v2 reads the value as, before it is blanked: the kind only, never the value.
        const kind = isSeq(value)
          ? 'a list'
          : isMap(value)
            ? 'a map'
            : isScalar(value) && value.type === 'PLAIN' && !value.tag && typeof (value as any).source === 'string'
              ? SECRET_VALUE_KINDS[resolveV2((value as any).source)]
              : undefined;
        if (kind) {
          const key = typeof pair.key?.source === 'string' ? pair.key.source : String(pair.key?.value ?? pair.key ?? '');
          problems.push({
            line: lines.lineOf(pair.key?.range?.[0] ?? value.range?.[0] ?? 0),
            kind: 'secret-value',
            key: `${field}.${key}`,
            message: `the value of ${field}.${key} is read by yaml.v2 as ${kind}, not a string (the value is not shown: it is a secret)`,
          });
        }
        if (value?.range) ranges.push([value.range[0], value.range[1]]);
        if (value && 'value' in value) value.value = '';
        // The parser keeps the text it read as well.
        if (value && 'source' in value) value.source = '';
      }
    }
  };
  if (!Array.isArray(docs)) return text;
  for (const doc of docs) {
    const root: any = doc.contents;
    if (!root || typeof root.get !== 'function') continue;
    visitObject(root);
    const items = root.get('items', true);
    if (items && Array.isArray(items.items) && String(root.get('kind') ?? '').endsWith('List')) items.items.forEach(visitObject);
  }
  if (ranges.length === 0) return text;
  // Offsets are UTF-16 code units; blank in a copy of the same length.
  const units = text.split('');
  for (const [start, end] of ranges) blankRange(units, start, end);
  return units.join('');
}

/** Parses one file's text. */
export function parseSource(file: string, bytes: Buffer | string): SourceFile {
  const decoded = typeof bytes === 'string' ? { text: bytes, problems: [] as YamlProblem[] } : decode(file, bytes);
  const problems: YamlProblem[] = [...decoded.problems];
  let text = decoded.text.startsWith('\ufeff') ? decoded.text.slice(1) : decoded.text;
  if (text.includes('\u0000')) {
    // NUL bytes: a binary file (or UTF-16 without a byte order mark), not a YAML text with a stray character.
    throw new InputError(`${file}: not YAML: it is a binary file (it holds NUL bytes)`);
  }
  const lineSpan = TextSpan.ofFile(text);
  for (const match of text.matchAll(RAW_UNSAFE)) {
    problems.push({ line: lineSpan.lineOf(match.index!), kind: 'character', message: `${file} contains ${describeCharacter(match[0])}` });
  }
  const docs = parseAllDocuments(text, { version: '1.1', prettyErrors: false });
  if (!Array.isArray(docs)) {
    // An empty stream.
    return { file, text, span: lineSpan, documents: [], problems };
  }
  const documents: YamlView[] = [];
  text = dropSecretValues(text, docs, problems);
  const span = TextSpan.ofFile(text);
  for (const doc of docs) {
    const fatal = doc.errors.filter(e => e.code !== 'DUPLICATE_KEY');
    for (const e of doc.errors.filter(err => err.code === 'DUPLICATE_KEY')) {
      problems.push({ line: span.lineOf(e.pos[0]), kind: 'duplicate-key', message: `a map key appears twice (${e.message.split(' at line')[0].toLowerCase()})` });
    }
    if (fatal.length > 0) {
      const e = fatal[0];
      const line = span.lineOf(e.pos[0]);
      if (problems.some(p => p.kind === 'character' || p.kind === 'encoding')) {
        // The characters the yaml rule reports are the likely cause; report them.
        problems.push({ line, kind: 'syntax', message: `the document does not parse: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}` });
        continue;
      }
      throw new InputError(`${file}:${line}: not YAML: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`);
    }
    if (doc.contents === null) continue;
    // Values as Kubernetes reads them (yaml.v2), not as the yaml package's YAML 1.1 schema does.
    applyV2(doc.contents as any);
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 10000 });
    } catch (e: any) {
      // An alias to no anchor, a merge of a non-map, an alias bomb: yaml.v2 refuses them too.
      const line = span.lineOf(doc.contents.range?.[0] ?? 0);
      throw new InputError(`${file}:${line}: not YAML that Kubernetes can read: ${String(e?.message ?? e).split('\n')[0]}`);
    }
    documents.push(new YamlView(doc.contents as any, span, value));
  }
  if (documents.length > 0 && documents.every(d => d.value === null || typeof d.value !== 'object')) {
    // Plain text read as one YAML string: not manifests, nor any configuration.
    const shown = documents.find(d => d.value !== null);
    if (shown) throw new InputError(`${file}:${shown.line}: not YAML manifests or configuration: the file holds only a plain ${typeof shown.value === 'string' ? 'string' : 'value'}, not objects`);
  }
  return { file, text, span, documents, problems };
}

/** How to read the inputs. */
export interface ReadOptions {
  /**
   * Keep going past a file that cannot be used: it becomes a source without
   * documents whose `unreadable` says why, and the other files are read.
   * Off, the first such file is an InputError.
   */
  readonly keepGoing?: boolean;
}

/** A source that holds nothing but why it could not be read. */
function unreadableSource(file: string, message: string): SourceFile {
  const at = /^[^\n]*?:(\d+): /.exec(message);
  const line = at ? Number(at[1]) : 1;
  const why = message.startsWith(`${file}:`) ? message.slice(file.length + 1).replace(/^\d+: /, '') : message.replace(/^cannot read [^:]*: /, 'cannot be read: ');
  return { file, text: '', span: TextSpan.ofFile(''), documents: [], problems: [{ line, kind: 'unreadable', message: why }], unreadable: message };
}

/** Reads the inputs: each path a file or folder, `-` for stdin. */
export function readInputs(paths: string[], readStdin: () => Buffer | string = () => fs.readFileSync(0), options: ReadOptions = {}): SourceFile[] {
  if (!options.keepGoing) return readAll(paths, readStdin, parseSource);
  const keep = (file: string, bytes: Buffer | string): SourceFile => {
    try {
      return parseSource(file, bytes);
    } catch (e) {
      if (e instanceof InputError) return unreadableSource(file, e.message);
      throw e;
    }
  };
  return readAll(paths, readStdin, keep, true);
}

type Parse = (file: string, bytes: Buffer | string) => SourceFile;

function readAll(paths: string[], readStdin: () => Buffer | string, parse: Parse, keepGoing = false): SourceFile[] {
  if (paths.length === 0) throw new InputError('no input: give files or folders of YAML, or - to read stdin');
  const sources: SourceFile[] = [];
  const seen = new Set<string>();
  for (const p of paths) {
    if (p === '-') {
      let bytes: Buffer | string;
      try {
        bytes = readStdin();
      } catch (e: any) {
        throw new InputError(`cannot read stdin: ${e.message}`);
      }
      sources.push(parse(STDIN, bytes));
      continue;
    }
    let files: string[];
    try {
      files = expand(p);
    } catch (e) {
      if (!keepGoing || !(e instanceof InputError)) throw e;
      sources.push(unreadableSource(p, e.message));
      continue;
    }
    if (files.length === 0) {
      // A folder without YAML: most likely the wrong folder; reading nothing would pass silently.
      const error = new InputError(`${p} holds no YAML files (*.yaml, *.yml): give the folder of the manifests, or the files themselves`);
      if (!keepGoing) throw error;
      sources.push(unreadableSource(p, error.message));
      continue;
    }
    for (const file of files) {
      if (seen.has(path.resolve(file))) continue;
      seen.add(path.resolve(file));
      let bytes: Buffer;
      try {
        bytes = fs.readFileSync(file);
      } catch (e: any) {
        const error = new InputError(`cannot read ${file}: ${e.code === 'EISDIR' ? 'it is a folder' : e.message}`);
        if (!keepGoing) throw error;
        sources.push(unreadableSource(file, error.message));
        continue;
      }
      sources.push(parse(file, bytes));
    }
  }
  return sources;
}
