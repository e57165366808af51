/**
 * What depends on the shape of the Applications a trigger notifies, and what
 * the inputs show of that shape. A multi-source Application (`spec.sources`)
 * has no `spec.source`, no `comparedTo.source`, `syncResult.source` or
 * `history[].source`, and an empty `sync.revision`, `syncResult.revision`,
 * `operation.sync.revision` and `history[].revision` (its revisions are in
 * the `revisions` lists); a single-source one has none of those lists.
 *
 * The doctor decides from what the inputs show, never from a shape they do
 * not: a finding that needs a multi-source Application is raised only when an
 * Application of the input that the trigger notifies is one; when the inputs
 * show every Application a trigger notifies and none is, there is nothing to
 * report; when they do not (a configuration alone, a `subscriptions` key that
 * selects by label, an AppProject that subscribes its applications), the run
 * says so in a note instead. Single-source is Argo CD's default shape: a
 * finding that needs a single-source Application stands unless the inputs
 * show that every Application the trigger notifies is multi-source.
 */
import { appsReaching, DataPath, subscriptionsTo } from './condition-analysis';
import { AppDef, Inventory, NotificationsConfig, SUBSCRIBE_PREFIX } from './inventory';
import { formatPath } from './template-analysis';

export type SourceShape = 'single' | 'multi';

/** A path whose presence depends on the source shape: absent (or "") on the other shape. */
interface ShapePath {
  readonly path: DataPath;
  /** The shape that lacks it. */
  readonly lackedBy: SourceShape;
  /** `""` rather than absent on that shape. */
  readonly empty?: boolean;
}

const S = ['app', 'status'];
const OP = [...S, 'operationState'];

/** The paths the source shape decides (steps into lists as `[]`). */
const SHAPE_PATHS: readonly ShapePath[] = [
  { path: ['app', 'spec', 'source'], lackedBy: 'multi' },
  { path: [...S, 'sync', 'comparedTo', 'source'], lackedBy: 'multi' },
  { path: [...OP, 'syncResult', 'source'], lackedBy: 'multi' },
  { path: [...S, 'history', '[]', 'source'], lackedBy: 'multi' },
  { path: [...S, 'sync', 'revision'], lackedBy: 'multi', empty: true },
  { path: [...OP, 'syncResult', 'revision'], lackedBy: 'multi', empty: true },
  { path: [...OP, 'operation', 'sync', 'revision'], lackedBy: 'multi', empty: true },
  { path: [...S, 'history', '[]', 'revision'], lackedBy: 'multi', empty: true },
  { path: ['app', 'spec', 'sources'], lackedBy: 'single' },
  { path: [...S, 'sync', 'comparedTo', 'sources'], lackedBy: 'single' },
  { path: [...S, 'sync', 'revisions'], lackedBy: 'single' },
  { path: [...OP, 'syncResult', 'sources'], lackedBy: 'single' },
  { path: [...OP, 'syncResult', 'revisions'], lackedBy: 'single' },
  { path: [...S, 'history', '[]', 'sources'], lackedBy: 'single' },
  { path: [...S, 'history', '[]', 'revisions'], lackedBy: 'single' },
];

/** A path with list indexes written as `[]`. */
function normalised(path: DataPath): string[] {
  return path.map(p => (/^-?\d+$/.test(p) ? '[]' : p));
}

function samePath(a: DataPath, b: DataPath): boolean {
  return a.length === b.length && a.every((p, i) => p === b[i]);
}

/** The shape that lacks a path (absent, or `""` where `empty`), when the source shape decides it. */
export function shapePath(path: DataPath): ShapePath | undefined {
  const p = normalised(path);
  return SHAPE_PATHS.find(s => samePath(s.path, p));
}

/** The paths the shapes other than `shape` lack, as written in messages. */
export function absentPaths(lackedBy: SourceShape): DataPath[] {
  return SHAPE_PATHS.filter(s => s.lackedBy === lackedBy && !s.empty).map(s => s.path);
}

/** The Applications of the input some triggers notify, and whether they are all it notifies. */
export interface Subscribers {
  readonly apps: readonly AppDef[];
  /**
   * Whether the inputs show every Application the triggers notify: each
   * trigger is subscribed by Applications of the input, only through their
   * own annotations (no `subscriptions` key and no AppProject subscribes it),
   * and the shape of each is known.
   */
  readonly closed: boolean;
}

/** Whether a configuration's `subscriptions` key subscribes applications by label to a trigger (directly or through defaultTriggers). */
function configSubscribes(config: NotificationsConfig, trigger: string): boolean {
  const defaults = new Set(config.defaultTriggers.flatMap(d => d.triggers));
  return config.subscriptions.some(sub => (sub.triggers.length > 0 ? sub.triggers.includes(trigger) : defaults.has(trigger)));
}

/** Whether an AppProject of the input subscribes its applications to a trigger. */
function projectSubscribes(inv: Inventory, trigger: string): boolean {
  return inv.projects.some(p => Object.keys(p.value?.metadata?.annotations ?? {}).some(k => k.startsWith(`${SUBSCRIBE_PREFIX}${trigger}.`)));
}

const subscribersCache = new WeakMap<Inventory, Map<string, Subscribers>>();

/** The Applications of the input that some triggers of a configuration notify. */
export function subscribersOf(inv: Inventory, config: NotificationsConfig, triggers: readonly string[]): Subscribers {
  let cache = subscribersCache.get(inv);
  if (!cache) subscribersCache.set(inv, (cache = new Map()));
  const id = JSON.stringify([inv.configs.indexOf(config), [...new Set(triggers)].sort()]);
  const cached = cache.get(id);
  if (cached) return cached;
  const apps = new Set<AppDef>();
  let closed = triggers.length > 0;
  for (const trigger of new Set(triggers)) {
    const reaching = appsReaching(inv, config, trigger);
    reaching.forEach(a => apps.add(a));
    const open =
      subscriptionsTo(inv, config, trigger).some(s => s.origin === 'config' || s.origin === 'project' || !s.app) ||
      configSubscribes(config, trigger) ||
      projectSubscribes(inv, trigger);
    if (open || reaching.length === 0) closed = false;
  }
  const list = [...apps];
  if (list.some(a => a.sourceShape === 'unknown')) closed = false;
  const result = { apps: list, closed };
  cache.set(id, result);
  return result;
}

/**
 * Whether a text reads what only multi-source Applications have
 * (`spec.sources`, a `revisions` list): it was written for them, which shows
 * that they are sent it.
 */
export function writtenForMultiSource(paths: ReadonlyArray<DataPath | undefined>): boolean {
  return paths.some(p => {
    if (!p) return false;
    const n = normalised(p);
    return SHAPE_PATHS.some(s => s.lackedBy === 'single' && s.path.length <= n.length && s.path.every((x, i) => x === n[i]));
  });
}

/** What the inputs say about the Applications that lack a shape-dependent path. */
export type ShapeVerdict =
  /**
   * Applications of the input that the triggers notify lack it (report,
   * naming them), or, with none, the text itself is written for them (it
   * reads `spec.sources`).
   */
  | { readonly kind: 'shown'; readonly apps: readonly AppDef[] }
  /** The inputs show every Application the triggers notify, and none lacks it. */
  | { readonly kind: 'none' }
  /** A multi-source Application would lack it, and the inputs cannot tell whether one is notified: a note, no finding. */
  | { readonly kind: 'unchecked' }
  /** A single-source Application (the default shape) would lack it, and the inputs do not rule one out: report. */
  | { readonly kind: 'default' };

/**
 * Whether an Application notified by the triggers can lack what `lackedBy`
 * lacks; `writtenForMulti` when the text read is written for multi-source
 * Applications (`writtenForMultiSource`).
 */
export function shapeVerdict(subscribers: Subscribers, lackedBy: SourceShape, writtenForMulti = false): ShapeVerdict {
  const lacking = subscribers.apps.filter(a => a.sourceShape === lackedBy);
  if (lacking.length > 0) return { kind: 'shown', apps: lacking };
  if (subscribers.closed) return { kind: 'none' };
  if (lackedBy === 'multi') return writtenForMulti ? { kind: 'shown', apps: [] } : { kind: 'unchecked' };
  return { kind: 'default' };
}

/** `multi-source Application argocd/x` or `multi-source Applications argocd/x and argocd/y`, for messages. */
export function namedApps(lackedBy: SourceShape, apps: readonly AppDef[]): string {
  const labels = apps.map(a => a.object.label.replace(/^(Application|ApplicationSet) /, ''));
  const kinds = new Set(apps.map(a => a.kind));
  const kind = kinds.size === 1 ? [...kinds][0] : 'Application';
  const list = labels.length <= 1 ? labels.join('') : `${labels.slice(0, -1).join(', ')} and ${labels[labels.length - 1]}`;
  return `${lackedBy}-source ${kind}${apps.length === 1 ? '' : 's'} ${list}`;
}

/** Why a shape-dependent path can be absent, for messages: naming the Applications of the input that lack it, if any. */
export function whyShapeAbsent(path: DataPath, lackedBy: SourceShape, apps: readonly AppDef[]): string {
  const shown = formatPath(path);
  const other = lackedBy === 'multi' ? 'spec.sources' : 'spec.source';
  if (apps.length === 0) {
    return `${shown} is absent on a ${lackedBy}-source application (${other})${lackedBy === 'multi' ? ', which the text is written for (it reads spec.sources or revisions)' : ''}`;
  }
  return `${shown} is absent on ${namedApps(lackedBy, apps)} (${other}), which ${apps.length === 1 ? 'is' : 'are'} subscribed to it`;
}
