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

/**
 * Claims of one key: the owner alone in the common case (a fleet of
 * Applications claims one object each, and keeps the claims until synth),
 * or a list once a second construct claims the key.
 */
type Claims = IConstruct | Claim[];

interface Registry {
  readonly claims: Map<string, Claims>;
  /** How many keys more than one construct claims: with none, no check needs to look further. */
  contested: number;
  /** The construct that checks the App for foreign objects. */
  scanner?: IConstruct;
}

const registries = new WeakMap<IConstruct, Registry>();
/** The registry of each parent scope, so that siblings (a fleet in one chart) find it without walking to the root. */
const byParent = new WeakMap<IConstruct, Registry>();
const claimsOf = new WeakMap<IConstruct, string | string[]>();
/**
 * Classes of API objects the library makes in fleets (NotifyingApplication):
 * they are not entered in the registry one by one, which would hold a key
 * per Application until synth; the scanner finds their collisions in one
 * pass over the App instead.
 */
interface FleetClass {
  readonly cls: abstract new (...args: any[]) => ApiObject;
  /** The object's own problems, without its path. */
  readonly problems: (obj: ApiObject) => string[];
}

const fleetClasses: FleetClass[] = [];

/**
 * Registers a class of API objects made in fleets. The scanner checks them in
 * its one pass over the App, collisions and their own problems alike, so that
 * none of them holds a registry entry or a validation of its own until synth.
 */
export function registerFleetClass(cls: abstract new (...args: any[]) => ApiObject, problems: (obj: ApiObject) => string[]): void {
  if (!fleetClasses.some(f => f.cls === cls)) fleetClasses.push({ cls, problems });
}

function fleetClassOf(c: IConstruct): FleetClass | undefined {
  // Not instanceof: ApiObject's Symbol.hasInstance answers true for any API
  // object, whatever the subclass.
  return fleetClasses.find(f => Object.prototype.isPrototypeOf.call(f.cls.prototype, c));
}

function registry(scope: IConstruct): Registry {
  const parent = scope.node.scope;
  const cached = parent && byParent.get(parent);
  if (cached) return cached;
  const root = scope.node.root;
  let r = registries.get(root);
  if (!r) {
    r = { claims: new Map(), contested: 0 };
    registries.set(root, r);
  }
  if (parent) byParent.set(parent, r);
  return r;
}

function objectKey(apiVersion: string, kind: string, namespace: string | undefined, name: string): string {
  return `${apiGroupOf(apiVersion)}|${kind}|${namespace ?? ''}|${name}`;
}

/** The API group of an apiVersion, as cdk8s's ApiObject.apiGroup gives it ("core" for v1). */
function apiGroupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? 'core' : apiVersion.slice(0, slash);
}

/** What a key names, for messages: "Application argocd/orders", "key "k" of Secret ns/name". */
function describe(key: string): string {
  const [group, kind, namespace, name] = key.split('|');
  if (group === 'secret-key') return `key "${name}" of Secret ${kind}/${namespace}`;
  return `${kind} ${namespace ? `${namespace}/` : ''}${name}`;
}

function claimList(claims: Claims | undefined, key: string): Claim[] {
  if (claims === undefined) return [];
  return Array.isArray(claims) ? claims : [{ owner: claims, what: describe(key) }];
}

function claim(owner: IConstruct, key: string): void {
  const r = registry(owner);
  const existing = r.claims.get(key);
  if (existing === undefined) {
    r.claims.set(key, owner);
  } else {
    const list = claimList(existing, key);
    if (!list.some(c => c.owner === owner) && new Set(list.map(c => c.owner)).size === 1) r.contested++;
    list.push({ owner, what: describe(key) });
    r.claims.set(key, list);
  }
  const mine = claimsOf.get(owner);
  if (mine === undefined) claimsOf.set(owner, key);
  else claimsOf.set(owner, [...(Array.isArray(mine) ? mine : [mine]), key]);
}

/** Records that `owner` writes the object. */
export function claimObject(owner: IConstruct, apiVersion: string, kind: string, namespace: string | undefined, name: string): void {
  claim(owner, objectKey(apiVersion, kind, namespace, name));
}

/** Records that `owner` writes one key of a Secret (itself, or through an ExternalSecret). */
export function claimSecretKey(owner: IConstruct, namespace: string, name: string, key: string): void {
  claim(owner, `secret-key|${namespace}|${name}|${key}`);
}

function keysOf(owner: IConstruct): string[] {
  const mine = claimsOf.get(owner);
  return mine === undefined ? [] : Array.isArray(mine) ? mine : [mine];
}

/**
 * Problems for every object `owner` claimed that another construct writes too,
 * each naming the other construct.
 */
export function objectCollisions(owner: IConstruct): string[] {
  const r = registry(owner);
  if (r.contested === 0) return [];
  const problems: string[] = [];
  for (const key of new Set(keysOf(owner))) {
    const claims = claimList(r.claims.get(key), key);
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
export function registerScanner(scope: IConstruct): boolean {
  const r = registry(scope);
  r.scanner = r.scanner ?? scope;
  return r.scanner === scope;
}

/**
 * Problems found in one pass over the App, when `scope` is the scanner: API
 * objects not made by this library that write an object the library writes
 * (a ConfigMap of the same name, say), fleet objects (Applications) that
 * write the same object as another API object (each problem names both), and
 * the fleet objects' own problems. cdk8s prints the scanner's path before
 * each; a problem of another object starts with that object's path.
 */
export function appCollisions(scope: IConstruct): string[] {
  const r = registry(scope);
  if (r.scanner !== scope) return [];
  const problems: string[] = [];
  // Fleet objects by namespace, name and kind, with no key string built per object.
  const fleet = new Map<string, Map<string, ApiObject | ApiObject[]>>();
  const others: ApiObject[] = [];
  for (const c of scope.node.root.node.findAll()) {
    if (!(c instanceof ApiObject)) continue;
    const fleetClass = fleetClassOf(c);
    if (fleetClass === undefined) {
      others.push(c);
      continue;
    }
    // Reported on the scanner: each names its object, unless it is the scanner itself.
    for (const p of fleetClass.problems(c)) problems.push(c === scope ? p : `${c.node.path}: ${p}`);
    const bucket = `${c.apiGroup}|${c.kind}|${c.metadata.namespace ?? ''}`;
    let byName = fleet.get(bucket);
    if (byName === undefined) {
      byName = new Map();
      fleet.set(bucket, byName);
    }
    const existing = byName.get(c.name);
    if (existing === undefined) byName.set(c.name, c);
    else if (Array.isArray(existing)) existing.push(c);
    else byName.set(c.name, [existing, c]);
  }
  const fleetWriters = (bucket: string, name: string): ApiObject[] => {
    const found = fleet.get(bucket)?.get(name);
    return found === undefined ? [] : Array.isArray(found) ? found : [found];
  };
  for (const [bucket, byName] of fleet) {
    for (const [name, list] of byName) {
      if (!Array.isArray(list)) continue;
      const what = describe(`${bucket}|${name}`);
      for (const a of list) {
        for (const b of list) {
          if (a !== b) problems.push(`${a === scope ? '' : `${a.node.path}: `}writes ${what}, which ${b.node.path} writes too, so whichever is applied last silently wins: keep one of them, or give one another name or namespace`);
        }
      }
    }
  }
  for (const c of others) {
    const bucket = `${c.apiGroup}|${c.kind}|${c.metadata.namespace ?? ''}`;
    const key = `${bucket}|${c.name}`;
    const writers: IConstruct[] = fleetWriters(bucket, c.name);
    const existing = r.claims.get(key);
    if (existing !== undefined) {
      const claims = claimList(existing, key);
      // The library's own objects are children of their owner, or further down.
      if (claims.some(k => c === k.owner || c.node.scope === k.owner || c.node.scopes.includes(k.owner))) continue;
      writers.push(claims[0].owner);
    }
    for (const writer of writers) {
      // cdk8s prints the scanner's path before the problem: it is not repeated.
      const who = writer === scope ? '' : `${writer.node.path} `;
      problems.push(`${who}writes ${describe(key)}, which ${c.node.path} writes too, so whichever is applied last silently wins: remove one of them`);
    }
  }
  return problems;
}
