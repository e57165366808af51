/**
 * Argo CD specs as TypeScript props of the generated types, for `migrate`.
 *
 * The generated types (cdk8s import) name some fields differently from Argo
 * CD's JSON (`repoURL` is `repoUrl`), and their `toJson_*` converters map them
 * back. The mapping is read from the converters themselves: each is run once
 * over a recording Proxy, which notes the TypeScript properties it reads, in
 * order, and what it does with each (converts it as an object, maps it as a
 * list, copies its entries as a map, reads `.value` of an int-or-string
 * class, or copies it as is). The JSON keys of the result come out in the
 * same order, which pairs each JSON name with its TypeScript name.
 */
import * as fs from 'fs';
import { isMap, isPair, isScalar, isSeq, Node as YamlNode } from 'yaml';
import { Code, isRecord, str } from './code';
import { resolveV2Value } from '../doctor/yaml-v2';

/** What the converter does with a field. */
export type Shape =
  | { readonly kind: 'leaf' }
  | { readonly kind: 'map' }
  | { readonly kind: 'intOrString'; readonly className: string }
  | { readonly kind: 'array'; readonly element: Shape }
  | { readonly kind: 'object'; readonly props: ReadonlyMap<string, { readonly ts: string; readonly shape: Shape }> };

interface Recording {
  readonly accesses: string[];
  readonly children: Map<string, unknown>;
  ownKeys: boolean;
  element?: unknown;
}

/** Reads the shape of a generated type from its converter. */
export function shapeOf(converter: (obj: any) => unknown, classPrefix: string): Shape {
  const recordings = new WeakMap<object, Recording>();
  const node = (parent?: Recording, name?: string): unknown => {
    const rec: Recording = { accesses: [], children: new Map(), ownKeys: false };
    const proxy = new Proxy(() => undefined, {
      get(_target, prop) {
        if (typeof prop !== 'string') return undefined;
        if (!rec.accesses.includes(prop)) rec.accesses.push(prop);
        if (!rec.children.has(prop)) rec.children.set(prop, node(rec, prop));
        return rec.children.get(prop);
      },
      // `list?.map(y => convert(y))`: the list's `map` called with the element converter.
      apply(_target, _this, args) {
        if (!parent || name !== 'map' || typeof args[0] !== 'function') throw new Error('unexpected call in a generated converter');
        parent.accesses.splice(parent.accesses.indexOf('map'), 1);
        parent.children.delete('map');
        parent.element = node();
        return [args[0](parent.element)];
      },
      ownKeys() {
        rec.ownKeys = true;
        return [];
      },
    });
    recordings.set(proxy, rec);
    return proxy;
  };

  const read = (n: unknown, json: any, tsPath: string[]): Shape => {
    const rec = recordings.get(n as object)!;
    if (rec.ownKeys) return { kind: 'map' };
    if (rec.element !== undefined) return { kind: 'array', element: read(rec.element, Array.isArray(json) ? json[0] : undefined, tsPath) };
    if (json === n) return { kind: 'leaf' };
    if (recordings.has(json)) return { kind: 'intOrString', className: classPrefix + tsPath.map(p => p.charAt(0).toUpperCase() + p.slice(1)).join('') };
    if (!isRecord(json)) return { kind: 'leaf' };
    const keys = Object.keys(json);
    if (keys.length !== rec.accesses.length) throw new Error(`cannot pair the fields of ${classPrefix}${tsPath.join('.')}`);
    const props = new Map<string, { ts: string; shape: Shape }>();
    keys.forEach((k, i) => {
      const ts = rec.accesses[i];
      props.set(k, { ts, shape: read(rec.children.get(ts), json[k], [...tsPath, ts]) });
    });
    return { kind: 'object', props };
  };

  const root = node();
  return read(root, converter(root), []);
}

/** A field the generated types cannot carry, written with a JSON patch instead (or not at all). */
export interface Leftover {
  /** JSON pointer of the field, from the object's root (`/spec/source/newField`). */
  readonly pointer: string;
  readonly value: unknown;
  /** Why it is left over. */
  readonly reason: string;
}

/** The result of converting a spec. */
export interface ConvertedSpec {
  /** The spec with the generated types' field names, `Code` pieces for int-or-string classes. */
  readonly value: unknown;
  /** Fields written as JSON patches. */
  readonly leftovers: Leftover[];
  /** Null fields, dropped (Kubernetes drops them as well). */
  readonly nulls: string[];
}

function pointerPart(part: string | number): string {
  return String(part).replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * Converts a spec in Argo CD's JSON to the generated types' props.
 *
 * @param exports the generated module's exports, to check int-or-string classes exist
 * @param namespace how the printed code refers to that module (`argocd`)
 */
export function convertSpec(json: unknown, shape: Shape, basePointer: string, exports: Record<string, unknown>, namespace: string): ConvertedSpec {
  const leftovers: Leftover[] = [];
  const nulls: string[] = [];
  const convert = (value: unknown, s: Shape, pointer: string): unknown => {
    switch (s.kind) {
      case 'leaf':
      case 'map':
        return value;
      case 'intOrString': {
        const cls = exports[s.className] as { fromNumber?: unknown; fromString?: unknown } | undefined;
        if (cls && typeof value === 'number' && typeof cls.fromNumber === 'function') return new Code(`${namespace}.${s.className}.fromNumber(${value})`);
        if (cls && typeof value === 'string' && typeof cls.fromString === 'function') {
          return new Code(`${namespace}.${s.className}.fromString(${str(value)})`);
        }
        leftovers.push({ pointer, value, reason: 'an int-or-string value the generated types cannot hold' });
        return undefined;
      }
      case 'array':
        if (!Array.isArray(value)) {
          leftovers.push({ pointer, value, reason: 'not a list where Argo CD expects one' });
          return undefined;
        }
        return value.map((v, i) => convert(v, s.element, `${pointer}/${i}`));
      case 'object': {
        if (!isRecord(value)) {
          leftovers.push({ pointer, value, reason: 'not an object where Argo CD expects one' });
          return undefined;
        }
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) {
          const at = `${pointer}/${pointerPart(k)}`;
          if (v === null || v === undefined) {
            nulls.push(at);
            continue;
          }
          const prop = s.props.get(k);
          if (!prop) {
            leftovers.push({ pointer: at, value: v, reason: 'a field the generated Argo CD types do not know' });
            continue;
          }
          const converted = convert(v, prop.shape, at);
          if (converted !== undefined) out[prop.ts] = converted;
        }
        return out;
      }
    }
  };
  return { value: convert(json, shape, basePointer), leftovers, nulls };
}

/** Whether a converted value holds a `Code` piece (an int-or-string class instance once run). */
export function holdsCode(value: unknown): boolean {
  if (value instanceof Code) return true;
  if (Array.isArray(value)) return value.some(holdsCode);
  if (isRecord(value)) return Object.values(value).some(holdsCode);
  return false;
}

/**
 * A manifest's data as Kubernetes reads it: sigs.k8s.io/yaml decodes with
 * yaml.v2, whose YAML 1.1 plain scalars differ from the yaml package's in
 * places (`path: .` is the string "." there, not NaN). Plain scalars are
 * resolved from their source text by yaml.v2's rules; anything this walk
 * does not follow (aliases, merge keys) keeps the parsed value.
 */
export function kubeValue(node: YamlNode | null | undefined, parsed: unknown): unknown {
  if (!node) return parsed;
  if (isScalar(node)) return node.type === 'PLAIN' && typeof node.source === 'string' ? resolvePlain(node.source, parsed) : parsed;
  if (isSeq(node) && Array.isArray(parsed) && node.items.length === parsed.length) {
    return node.items.map((item, i) => kubeValue(item as YamlNode | null, parsed[i]));
  }
  if (isMap(node) && isRecord(parsed)) {
    const out: Record<string, unknown> = {};
    for (const pair of node.items) {
      if (!isPair(pair) || !isScalar(pair.key)) return parsed;
      const k = String(pair.key.value);
      if (k === '<<' || !(k in parsed)) return parsed;
      out[k] = kubeValue(pair.value as YamlNode | null, parsed[k]);
    }
    return Object.keys(out).length === Object.keys(parsed).length ? out : parsed;
  }
  return parsed;
}

/** A plain scalar as yaml.v2 resolves it (resolve.go). */
function resolvePlain(source: string, parsed: unknown): unknown {
  return resolveV2Value(source, parsed);
}

/** The properties of a generated interface: whether each is optional, and its type as written. */
export type Declarations = ReadonlyMap<string, ReadonlyMap<string, { readonly optional: boolean; readonly type: string }>>;

/**
 * The interfaces a generated module declares, read from its TypeScript
 * source or declaration file next to the loaded module; undefined when
 * neither is there.
 */
export function readDeclarations(modulePath: string): Declarations | undefined {
  const candidates = [modulePath.replace(/\.js$/, '.d.ts'), modulePath.replace(/\.js$/, '.ts'), modulePath];
  const file = candidates.find(f => /\.ts$/.test(f) && fs.existsSync(f));
  if (!file) return undefined;
  const text = fs.readFileSync(file, 'utf-8');
  const out = new Map<string, Map<string, { optional: boolean; type: string }>>();
  for (const m of text.matchAll(/^export (?:declare )?interface (\w+) \{\n([\s\S]*?)^\}/gm)) {
    const props = new Map<string, { optional: boolean; type: string }>();
    for (const p of m[2].matchAll(/^\s*readonly (\w+)(\?)?: ([^;]+);/gm)) props.set(p[1], { optional: p[2] === '?', type: p[3].trim() });
    out.set(m[1], props);
  }
  return out;
}

/** Required properties a converted spec lacks, as dotted paths of the generated types' names. */
export function missingRequired(value: unknown, type: string, declarations: Declarations, path = ''): string[] {
  const props = declarations.get(type);
  if (!props || !isRecord(value)) return [];
  const missing: string[] = [];
  for (const [name, prop] of props) {
    const at = path ? `${path}.${name}` : name;
    const v = value[name];
    if (v === undefined) {
      if (!prop.optional) missing.push(at);
      continue;
    }
    const element = prop.type.endsWith('[]') ? prop.type.slice(0, -2) : undefined;
    if (element !== undefined && Array.isArray(v)) v.forEach((e, i) => missing.push(...missingRequired(e, element, declarations, `${at}[${i}]`)));
    else missing.push(...missingRequired(v, prop.type, declarations, at));
  }
  return missing;
}
