import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';

/**
 * Which construct writes which Kubernetes object, across the whole cdk8s App
 * (every chart), so that two constructs that would write the same object are a
 * synth error instead of a silent "last one applied wins".
 *
 * Objects are claimed whole (kind, namespace, name). Secrets are also claimed
 * key by key: two writers of different keys of one Secret (an ExternalSecret
 * merging into it, say) coexist, two writers of the same key do not.
 */

interface Claim {
  /** The construct whose subtree writes the object. */
  readonly owner: IConstruct;
  readonly what: string;
}

interface Registry {
  readonly claims: Map<string, Claim[]>;
  /** The construct that checks the App for foreign objects. */
  scanner?: IConstruct;
}

const registries = new WeakMap<IConstruct, Registry>();
const claimsOf = new WeakMap<IConstruct, string[]>();

function registry(scope: IConstruct): Registry {
  const root = scope.node.root;
  let r = registries.get(root);
  if (!r) {
    r = { claims: new Map() };
    registries.set(root, r);
  }
  return r;
}

function objectKey(apiVersion: string, kind: string, namespace: string | undefined, name: string): string {
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  return `${group}|${kind}|${namespace ?? ''}|${name}`;
}

function describe(kind: string, namespace: string | undefined, name: string): string {
  return `${kind} ${namespace ? `${namespace}/` : ''}${name}`;
}

function claim(owner: IConstruct, key: string, what: string): void {
  const r = registry(owner);
  const list = r.claims.get(key) ?? [];
  list.push({ owner, what });
  r.claims.set(key, list);
  const mine = claimsOf.get(owner) ?? [];
  mine.push(key);
  claimsOf.set(owner, mine);
}

/** Records that `owner` writes the object. */
export function claimObject(owner: IConstruct, apiVersion: string, kind: string, namespace: string | undefined, name: string): void {
  claim(owner, objectKey(apiVersion, kind, namespace, name), describe(kind, namespace, name));
}

/** Records that `owner` writes one key of a Secret (itself, or through an ExternalSecret). */
export function claimSecretKey(owner: IConstruct, namespace: string, name: string, key: string): void {
  claim(owner, `secret-key|${namespace}|${name}|${key}`, `key "${key}" of Secret ${namespace}/${name}`);
}

/**
 * Problems for every object `owner` claimed that another construct writes too,
 * each naming the other construct.
 */
export function objectCollisions(owner: IConstruct): string[] {
  const r = registry(owner);
  const problems: string[] = [];
  for (const key of new Set(claimsOf.get(owner) ?? [])) {
    const claims = r.claims.get(key) ?? [];
    const mine = claims.find(c => c.owner === owner)!;
    const others = [...new Set(claims.filter(c => c.owner !== owner).map(c => c.owner.node.path))];
    for (const other of others) {
      problems.push(`writes ${mine.what}, which ${other} writes too, so whichever is applied last silently wins: keep one of them, or give one another name or namespace`);
    }
  }
  return problems;
}

/**
 * Makes `scope` the construct that checks the whole App for API objects not
 * made by this library that write an object the library writes (a ConfigMap
 * of the same name, say). The first caller wins, so each collision is
 * reported once.
 */
export function registerScanner(scope: IConstruct): void {
  const r = registry(scope);
  r.scanner = r.scanner ?? scope;
}

/**
 * Problems for every object claimed in the App that an API object not made by
 * this library also writes, when `scope` is the scanner: one pass over the
 * App's constructs.
 */
export function foreignCollisions(scope: IConstruct): string[] {
  const r = registry(scope);
  if (r.scanner !== scope) return [];
  const problems: string[] = [];
  for (const c of scope.node.root.node.findAll()) {
    if (!(c instanceof ApiObject)) continue;
    const claims = r.claims.get(objectKey(c.apiVersion, c.kind, c.metadata.namespace, c.name));
    if (!claims || claims.some(k => c.node.scopes.includes(k.owner))) continue;
    problems.push(`${claims[0].owner.node.path} writes ${claims[0].what}, which ${c.node.path} writes too, so whichever is applied last silently wins: remove one of them`);
  }
  return problems;
}
