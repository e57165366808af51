/**
 * The `yaml` rule. What it finds, why, and how to fix it is its `meta`, which
 * also writes docs/doctor-rules.md and the README's table of rules.
 *
 * The loader (src/cli/load.ts) records the characters and encodings it meets;
 * this rule reports them with the values yaml.v2 reads differently.
 */
import { isMap, isPair, isScalar, isSeq, Node as YamlNode, Scalar } from 'yaml';
import { Inventory, KubeObject } from '../inventory';
import { Report, Rule, RuleMeta, SourceFile, Where, YamlPath, YamlProblem } from '../model';
import { resolveV2, V2Kind } from '../yaml-v2';

export const meta: RuleMeta = {
  id: 'yaml',
  severities: ['error', 'warning'],
  summary: "text Kubernetes' YAML parser (yaml.v2) rejects (control characters, bad UTF-8) or reads differently (`yes`, `on`, `1.0` where a string belongs, duplicate keys)",
  description: [
    'kubectl, the API server and Argo CD read manifests through `sigs.k8s.io/yaml`, which decodes with yaml.v2 (YAML 1.1) into untyped values',
    'and converts them to JSON. So:',
    '',
    '- raw control characters, bad UTF-8 and what they break make the whole file unreadable;',
    "- a key written twice keeps only its last value (strict decoders, such as kustomize's and helm's, or kubectl's strict field validation,",
    '  reject it);',
    '- an unquoted `yes`, `on`, `1.0` or `0x1F` in a field Kubernetes types as a string (ConfigMap data, labels, annotations...) is a boolean or',
    '  a number, and the API server rejects the object; `~` or nothing is null, stored as `""` (or removed by kubectl apply); an unquoted `on`',
    '  as a key becomes `"true"`.',
  ],
  runtime: 'Nothing in an unreadable file is applied; an object with a boolean or number where a string belongs is rejected by the API server; a duplicated key silently loses its first value.',
  remediation: 'Remove the control characters, save the file as UTF-8, quote values that must stay strings (`"yes"`, `"1.0"`), and write each key once.',
};

export { resolveV2 } from '../yaml-v2';
export type { V2Kind } from '../yaml-v2';

/** What yaml.v2 makes of a node, or undefined for a string (or what cannot be told). */
function kindOf(node: YamlNode | null): V2Kind | 'map' | 'list' | undefined {
  if (node === null || node === undefined) return 'null';
  if (isMap(node)) return 'map';
  if (isSeq(node)) return 'list';
  if (!isScalar(node)) return undefined;
  const tag = node.tag;
  if (tag) {
    const t = tag.replace(/^tag:yaml\.org,2002:/, '!!');
    if (t === '!!bool') return 'bool';
    if (t === '!!int') return 'int';
    if (t === '!!float') return 'float';
    if (t === '!!null') return 'null';
    return undefined;
  }
  if (node.type !== Scalar.PLAIN) return undefined;
  const kind = resolveV2(typeof (node as any).source === 'string' ? (node as any).source : String(node.value ?? ''));
  return kind === 'str' || kind === 'merge' ? undefined : kind;
}

/** What yaml.v2 reads a plain scalar as, for messages: `the boolean true`, `the number 1.1`. */
function readAs(kind: V2Kind | 'map' | 'list', text: string): string {
  if (kind === 'bool') return `the boolean ${/^(y|yes|true|on)$/i.test(text) ? 'true' : 'false'}`;
  if (kind === 'int' || kind === 'float') {
    const plain = text.replace(/_/g, '');
    let n: string | undefined;
    try {
      if (kind === 'int') {
        const neg = plain.startsWith('-');
        const body = plain.replace(/^[+-]/, '');
        const big = /^0[xXbBoO]/.test(body) ? BigInt(body.toLowerCase()) : body.length > 1 && body.startsWith('0') ? BigInt(`0o${body.slice(1)}`) : BigInt(body);
        n = `${neg ? '-' : ''}${big}`;
      } else if (/^[-+]?\.(inf|nan)$/i.test(plain)) {
        n = plain.replace(/^\+?\./, '').replace('-.', '-');
      } else {
        n = String(Number(plain));
      }
    } catch {
      n = undefined;
    }
    return n === undefined ? KIND_NAMES[kind] : `the number ${n}`;
  }
  return KIND_NAMES[kind];
}

function written(node: YamlNode | null): string {
  if (!isScalar(node)) return '';
  const s = typeof (node as any).source === 'string' ? (node as any).source : String(node.value);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

const KIND_NAMES: Record<string, string> = {
  bool: 'a boolean',
  int: 'an integer',
  float: 'a number',
  null: 'null',
  map: 'a map',
  list: 'a list',
};

/** A map of strings in an object: its path, and whether its values may be shown and checked. */
interface StringMap {
  readonly path: YamlPath;
  readonly values: boolean;
}

function stringMaps(object: KubeObject): StringMap[] {
  const maps: StringMap[] = [
    { path: ['metadata', 'labels'], values: true },
    { path: ['metadata', 'annotations'], values: true },
  ];
  const group = object.apiVersion.split('/')[0];
  if (object.apiVersion === 'v1' && object.kind === 'ConfigMap') {
    maps.push({ path: ['data'], values: true }, { path: ['binaryData'], values: true });
  } else if (object.apiVersion === 'v1' && object.kind === 'Secret') {
    // The loader blanks Secret values: only their keys can be checked.
    maps.push({ path: ['data'], values: false }, { path: ['stringData'], values: false });
  } else if (group === 'argoproj.io' && object.kind === 'NotificationsConfiguration') {
    for (const f of ['triggers', 'templates', 'services', 'subscriptions', 'context']) maps.push({ path: ['spec', f], values: true });
  } else if (group === 'argoproj.io' && object.kind === 'ApplicationSet') {
    maps.push({ path: ['spec', 'template', 'metadata', 'labels'], values: true }, { path: ['spec', 'template', 'metadata', 'annotations'], values: true });
  }
  return maps;
}

/** String fields of Applications people write numbers into (`targetRevision: 1.0`). */
function stringFields(object: KubeObject): YamlPath[] {
  const group = object.apiVersion.split('/')[0];
  if (group !== 'argoproj.io' || (object.kind !== 'Application' && object.kind !== 'ApplicationSet')) return [];
  const spec: YamlPath = object.kind === 'ApplicationSet' ? ['spec', 'template', 'spec'] : ['spec'];
  const sources: YamlPath[] = [[...spec, 'source']];
  const list = object.view.at([...spec, 'sources'])?.value;
  if (Array.isArray(list)) list.forEach((_, i) => sources.push([...spec, 'sources', i]));
  const fields: YamlPath[] = [[...spec, 'project'], [...spec, 'destination', 'namespace'], [...spec, 'destination', 'name']];
  for (const source of sources) {
    for (const f of ['targetRevision', 'path', 'chart', 'repoURL', 'ref']) fields.push([...source, f]);
    const params = object.view.at([...source, 'helm', 'parameters'])?.value;
    if (Array.isArray(params)) params.forEach((_, i) => fields.push([...source, 'helm', 'parameters', i, 'value']));
  }
  return fields;
}

function dotted(path: YamlPath): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function checkValue(object: KubeObject, where: Where, key: string, what: string, node: YamlNode | null, report: Report): void {
  const kind = kindOf(node);
  if (!kind) return;
  const shown = kind === 'map' || kind === 'list' || written(node) === '' ? '' : ` ${written(node)}`;
  if (kind === 'null') {
    report({
      severity: 'warning',
      where,
      key,
      message: `${what} is ${written(node) === '' ? 'empty' : `written${shown}`}, which yaml.v2 reads as null, not a string`,
      impact: 'Kubernetes stores an empty string on create, and kubectl apply treats null as "delete this key" on update: the value silently differs from what was meant',
      fix: 'write the value you mean, quoted, or "" for an empty string',
    });
    return;
  }
  report({
    severity: 'error',
    where,
    key,
    message: `${what} is${shown ? ` written${shown}, which yaml.v2 reads as ${readAs(kind, written(node))}` : ` ${KIND_NAMES[kind]}`}, not a string`,
    impact: `the API server rejects the whole ${object.kind} (a string field given ${KIND_NAMES[kind]}): kubectl apply and the Argo CD sync fail for it and the old version stays`,
    fix: kind === 'map' || kind === 'list' ? 'write the value as a string, for example a literal block (key: |) holding the YAML text' : `quote the value: "${written(node)}"`,
  });
}

function checkObject(object: KubeObject, report: Report): void {
  const span = object.view.span;
  for (const map of stringMaps(object)) {
    const view = object.view.at(map.path);
    if (!view || !isMap(view.node)) continue;
    for (const pair of view.node.items) {
      if (!isPair(pair)) continue;
      const keyNode = pair.key as YamlNode | null;
      const keyText = isScalar(keyNode) ? written(keyNode) : '';
      const line = span.lineOf(keyNode?.range?.[0] ?? view.node.range?.[0] ?? 0);
      const where: Where = { file: object.source.file, line, object: object.label };
      const keyKind = kindOf(keyNode);
      if (keyKind) {
        const storedAs = keyKind === 'bool' ? `"${/^(y|yes|true|on)$/i.test(keyText) ? 'true' : 'false'}"` : keyKind === 'null' ? 'null' : `"${readAs(keyKind, keyText).replace(/^the number /, '')}"`;
        report({
          severity: 'warning',
          where,
          key: keyText,
          message: `the key ${keyText === '' ? '(empty)' : keyText} of ${dotted(map.path)} is read by yaml.v2 as ${KIND_NAMES[keyKind]}, so Kubernetes stores it as ${storedAs}`,
          impact: 'the object gets a key other than the one written, and whatever looks the key up does not find it',
          fix: `quote the key: "${keyText}"`,
        });
      }
      if (!map.values) continue;
      checkValue(object, where, keyText, `the value of ${dotted(map.path)}.${keyText}`, pair.value as YamlNode | null, report);
    }
  }
  for (const path of stringFields(object)) {
    const parent = object.view.at(path.slice(0, -1));
    if (!parent || !isMap(parent.node)) continue;
    const pair = parent.node.items.find(p => isPair(p) && isScalar(p.key) && String(p.key.value) === String(path[path.length - 1]));
    if (!pair) continue;
    const node = pair.value as YamlNode | null;
    if (node === null) continue; // an absent field
    const kind = kindOf(node);
    if (!kind || kind === 'map' || kind === 'list' || kind === 'null') continue;
    checkValue(object, object.where(path), dotted(path), dotted(path), node, report);
  }
}

function objectAtLine(inv: Inventory, source: SourceFile, line: number): KubeObject | undefined {
  return inv.objects.find(o => {
    if (o.source !== source) return false;
    const range = o.view.node?.range;
    if (!range) return false;
    return o.view.span.lineOf(range[0]) <= line && line <= o.view.span.lineOf(Math.max(range[0], range[2] - 1));
  });
}

function duplicateKeyText(source: SourceFile, line: number): string | undefined {
  const text = source.text.split('\n')[line - 1];
  if (text === undefined) return undefined;
  const m = /^[\s-]*("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^:#]+?)\s*:(\s|$)/.exec(text);
  return m ? m[1] : undefined;
}

const LINE_BREAKS = ['\u0085', '\u2028', '\u2029'];

/** The scalar node of a file that covers an offset, if any. */
function scalarAt(source: SourceFile, offset: number): Scalar | undefined {
  let found: Scalar | undefined;
  const visit = (node: unknown) => {
    if (found || !node) return;
    if (isScalar(node)) {
      const range = node.range;
      if (range && range[0] <= offset && offset < range[1]) found = node;
    } else if (isMap(node) || isSeq(node)) {
      for (const item of node.items) visit(item);
    } else if (isPair(node)) {
      visit(node.key);
      visit(node.value);
    }
  };
  for (const doc of source.documents) visit(doc.node);
  return found;
}

/**
 * What yaml.v2 does with a line-break character (U+0085, U+2028, U+2029) on
 * a line: it starts a new line there, so text after it on the same line
 * breaks the structure (the file is rejected); inside quotes U+0085 becomes
 * a space; at the end of a line it only adds a line break to a block or
 * plain scalar. Verified with the engine model (test/conformance/doctor-yaml).
 */
function lineBreakEffect(source: SourceFile, line: number, c: string): 'rejected' | 'changed' | 'kept' | undefined {
  const lines = source.text.split('\n');
  const text = lines[line - 1];
  if (text === undefined) return undefined;
  const index = text.indexOf(c);
  if (index < 0) return undefined; // blanked (a Secret value): cannot tell
  const offset = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0) + index;
  const node = scalarAt(source, offset);
  const quoted = node?.type === Scalar.QUOTE_DOUBLE || node?.type === Scalar.QUOTE_SINGLE;
  if (quoted) return c === '\u0085' ? 'changed' : 'kept';
  const rest = text.slice(index + 1).replace(/[\u0085\u2028\u2029]/g, '');
  if (rest.trim() !== '') return 'rejected';
  if (!node) return 'kept'; // a comment, or the end of a structure line
  const lineEnd = offset - index + text.length;
  const goesOn = source.text.slice(lineEnd, node.range?.[1] ?? lineEnd).trim() !== '';
  // In a block, U+2028/U+2029 stay as they are, except on its last line, where the character becomes the final line break.
  if (node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED) return c === '\u0085' || !goesOn ? 'changed' : 'kept';
  // A plain scalar: only one that goes on over the next lines gets a line break instead of a space.
  return goesOn ? 'changed' : 'kept';
}

function reportProblem(inv: Inventory, source: SourceFile, problem: YamlProblem, report: Report): void {
  const fileWhere: Where = { file: source.file, line: problem.line, object: `file ${source.file}` };
  const object = objectAtLine(inv, source, problem.line);
  if (problem.kind === 'secret-value') {
    report({
      severity: 'error',
      where: object ? { ...fileWhere, object: object.label } : fileWhere,
      key: problem.key,
      message: problem.message,
      impact: 'the API server rejects the whole Secret (a string field given another type): kubectl apply and the Argo CD sync fail for it, ' +
        'so a $key that refers to it is not replaced and Backstage answers 401',
      fix: 'quote the value (stringData) or write it base64-encoded as a string (data)',
    });
    return;
  }
  if (problem.kind === 'unreadable') {
    report({
      severity: 'error',
      where: fileWhere,
      message: `${source.file} ${problem.message.startsWith('cannot') ? problem.message : `is not YAML that Kubernetes can read: ${problem.message.replace(/^not YAML( that Kubernetes can read)?: /, '')}`}`,
      impact: 'kubectl and Argo CD cannot read it either, so none of its objects is applied; the doctor checked the other files without it',
      fix: 'fix the file at that line (or leave it out of the paths given to the doctor)',
    });
    return;
  }
  if (problem.kind === 'duplicate-key') {
    const key = duplicateKeyText(source, problem.line);
    report({
      severity: 'warning',
      where: object ? { ...fileWhere, object: object.label } : fileWhere,
      key,
      message: `the key ${key ?? 'on this line'} appears twice in the same map`,
      impact: 'yaml.v2 (kubectl, Argo CD) silently keeps only the last value, so the earlier one is lost; strict decoders (kustomize, helm, kubectl --validate=strict field validation) reject the object',
      fix: 'keep one of the two keys, merging their values',
    });
    return;
  }
  const character = /contains (.*)$/.exec(problem.message)?.[1];
  const code = /U\+([0-9A-F]{4})/.exec(character ?? '')?.[1];
  const c = code ? String.fromCharCode(parseInt(code, 16)) : undefined;
  if (problem.kind === 'character' && c && LINE_BREAKS.includes(c)) {
    const effect = lineBreakEffect(source, problem.line, c);
    if (effect === 'kept') return;
    if (effect === 'changed') {
      report({
        severity: 'warning',
        where: object ? { ...fileWhere, object: object.label } : fileWhere,
        message: `the file has a raw U+${code} on this line, which yaml.v2 reads as a line break`,
        impact: 'Kubernetes reads a different text than the one shown: a line break or a space where the character is',
        fix: 'remove the character, or write it as an escape inside a double-quoted string ("\\u' + code!.toLowerCase() + '")',
      });
      return;
    }
  }
  const message =
    problem.kind === 'character' ? `the file has a raw ${character ?? 'control character'} on this line`
      : problem.kind === 'encoding' ? 'the file is not valid UTF-8'
        : problem.message;
  report({
    severity: 'error',
    where: fileWhere,
    message,
    impact: 'the YAML parser Kubernetes uses (yaml.v2, through sigs.k8s.io/yaml) rejects the whole file: kubectl apply and the Argo CD sync of every object in it fail',
    fix: problem.kind === 'encoding'
      ? 'save the file as UTF-8'
      : `remove the character, or write it as an escape inside a double-quoted string ("\\u${(code ?? '0007').toLowerCase()}")`,
  });
}

export const rule: Rule = {
  meta,
  check(inventory: Inventory, report: Report): void {
    for (const source of inventory.sources) {
      const seen = new Set<string>();
      for (const problem of source.problems) {
        // One finding per line and kind: a line of control characters is one fault.
        const id = `${problem.kind}:${problem.line}:${problem.kind === 'character' ? problem.message : ''}`;
        if (seen.has(id)) continue;
        seen.add(id);
        reportProblem(inventory, source, problem, report);
      }
    }
    for (const object of inventory.objects) checkObject(object, report);
  },
};
