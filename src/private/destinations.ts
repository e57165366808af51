/**
 * A model of how Argo CD's notifications controller turns an Application's
 * annotations into destinations (notifications-engine
 * pkg/subscriptions/annotations.go `GetDestinations`, with
 * pkg/controller/controller.go `getDestinations`), so that a subscription
 * written by hand is judged by what the controller derives from it, not by
 * its spelling.
 *
 * The controller reads every annotation whose key starts with
 * `notifications.argoproj.io/subscribe.`:
 *
 * - `subscribe.<trigger>.<service>[.anything]`: the first two dot-separated
 *   parts, the rest ignored;
 * - `subscribe.<service>`: the service's default triggers
 *   (`defaultTriggers.<service>`, or else `defaultTriggers`);
 * - the value is split at `;`, each part trimmed, empty parts dropped: one
 *   destination per recipient; an empty value is one destination with the
 *   recipient "" (a webhook's), and a value of only `;` and spaces none.
 *
 * and every annotation whose key starts with
 * `notifications.argoproj.io/subscriptions` (`.extra` included): a YAML list
 * of `{trigger: [names], destinations: [{service, recipients: [names]}]}`,
 * decoded by sigs.k8s.io/yaml into Go structs (keys matched as encoding/json
 * matches them, unknown keys ignored, a value of the wrong type left empty).
 * Each trigger gets each destination's service once per recipient, as
 * written (not split or trimmed); an entry without triggers gets the
 * service's default triggers; an entry without destinations, or a
 * destination without recipients, gives nothing.
 *
 * The controller then joins these with the configuration's label-selector
 * subscriptions and drops repeated (trigger, service, recipient) triples: a
 * trigger notifies each distinct destination once, so two recipients of one
 * webhook are two POSTs of the same body.
 *
 * Not modelled: a quirk of `iterate`, which passes the previous subscribe
 * annotation's recipients with an empty service for every other annotation;
 * it yields destinations only under a configuration-wide `defaultTriggers`
 * key, which this library never writes.
 */
import { yamlModule } from './lazy';
import { goParseInt, resolveV2 } from './yaml-v2-scalar';

/** The prefix of the per-trigger and short-form subscription annotations. */
export const SUBSCRIBE_PREFIX = 'notifications.argoproj.io/subscribe.';
/** The prefix of the annotations that list subscriptions as YAML (matched as a prefix, as the controller does). */
export const SUBSCRIPTIONS_PREFIX = 'notifications.argoproj.io/subscriptions';

/** One destination the controller derives: a trigger sends to a service's recipient. */
export interface EngineDestination {
  readonly trigger: string;
  readonly service: string;
  readonly recipient: string;
  /** Where it comes from, for messages: `annotation "<key>"`, or `entry <n> of annotation "<key>"`. */
  readonly source: string;
}

/** The configuration's default triggers, which short forms subscribe to. */
export interface DefaultTriggers {
  /** `defaultTriggers`: for a service without its own. */
  readonly all: readonly string[];
  /** `defaultTriggers.<service>`. */
  readonly byService: { readonly [service: string]: readonly string[] };
}

/** What the controller derives from an object's annotations. */
export interface AnnotationDestinations {
  /** The destinations, with repeats, in the annotations' key order. */
  readonly destinations: EngineDestination[];
  /**
   * Each subscription annotation (and each entry of a YAML list) Argo CD
   * reads, with how many destinations it yields; an annotation it cannot
   * read at all is in `misread` instead.
   */
  readonly sources: ReadonlyArray<{ readonly key: string; readonly source: string; readonly count: number; readonly why?: string }>;
  /**
   * Parts of subscription annotations that the controller reads otherwise
   * than written, or not at all, each a lowercase sentence (what the
   * controller does with it is in `destinations`).
   */
  readonly misread: string[];
}

/** GetDestinations over the annotations. */
export function annotationDestinations(annotations: { readonly [key: string]: string }, defaults: DefaultTriggers): AnnotationDestinations {
  const destinations: EngineDestination[] = [];
  const sources: Array<{ key: string; source: string; count: number; why?: string }> = [];
  const misread: string[] = [];
  const expand = (trigger: string, service: string, recipients: readonly string[], source: string) => {
    let count = 0;
    for (const recipient of recipients) {
      const triggers = trigger !== '' ? [trigger] : Object.prototype.hasOwnProperty.call(defaults.byService, service) ? defaults.byService[service] : defaults.all;
      for (const t of triggers) {
        destinations.push({ trigger: t, service, recipient, source });
        count++;
      }
    }
    return count;
  };
  for (const key of Object.keys(annotations).sort()) {
    const value = annotations[key];
    if (key.startsWith(SUBSCRIBE_PREFIX)) {
      const parts = key.slice(SUBSCRIBE_PREFIX.length).split('.');
      const [trigger, service] = parts.length >= 2 ? [parts[0], parts[1]] : ['', parts[0]];
      if (parts.length > 2) {
        misread.push(`annotation "${key}" is read as trigger "${parts[0]}" and service "${parts[1]}": Argo CD ignores the rest after the second dot`);
      }
      const source = `annotation "${key}"`;
      sources.push({ key, source, count: expand(trigger, service, value === '' ? [''] : parseRecipients(value), source) });
    } else if (key.startsWith(SUBSCRIPTIONS_PREFIX)) {
      const entries = readSubscriptionList(key, value, misread);
      if (entries?.length === 0) sources.push({ key, source: `annotation "${key}"`, count: 0 });
      (entries ?? []).forEach((entry, i) => {
        const source = `entry ${i + 1} of annotation "${key}"`;
        let count = 0;
        if (entry.triggers.length === 0) {
          for (const d of entry.destinations) count += expand('', d.service, d.recipients, source);
        } else {
          for (const t of entry.triggers) for (const d of entry.destinations) count += expand(t, d.service, d.recipients, source);
        }
        const why = entry.destinations.length === 0
          ? 'it has no destinations'
          : entry.destinations.every(d => d.recipients.length === 0)
            ? 'its destinations have no recipients'
            : 'it has no trigger and its service no default triggers';
        sources.push({ key, source, count, ...(count === 0 ? { why } : {}) });
      });
    }
  }
  return { destinations, sources, misread };
}

/** The controller's Destinations.Dedup: each (trigger, service, recipient) once, in first-seen order. */
export function dedupDestinations(destinations: readonly EngineDestination[]): EngineDestination[] {
  const seen = new Set<string>();
  return destinations.filter(d => {
    const key = JSON.stringify([d.trigger, d.service, d.recipient]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** parseRecipients: split at `;`, trimmed, empty parts dropped. */
function parseRecipients(value: string): string[] {
  return value.split(';').map(r => r.trim()).filter(r => r !== '');
}

/** One entry of the YAML list, as the Go structs hold it. */
interface SubscriptionEntry {
  readonly triggers: string[];
  readonly destinations: Array<{ readonly service: string; readonly recipients: string[] }>;
}

/**
 * The YAML list as sigs.k8s.io/yaml decodes it into
 * `[]Subscription{Trigger []string; Destinations []{Service string; Recipients []string}}`.
 * What the controller would read otherwise than written goes to `misread`.
 */
function readSubscriptionList(key: string, text: string, misread: string[]): SubscriptionEntry[] | undefined {
  const where = `annotation "${key}"`;
  const yaml = yamlModule();
  if (text.trim() === '') {
    misread.push(`${where} is empty, so Argo CD reads no subscription from it`);
    return undefined;
  }
  const doc = yaml.parseDocument(text, { version: '1.1', uniqueKeys: true });
  if (doc.errors.length > 0) {
    misread.push(`${where} is not valid YAML (${doc.errors[0].message.split('\n')[0]}), so Argo CD reads no subscription from it`);
    return undefined;
  }
  const root = doc.contents;
  if (!yaml.isSeq(root)) {
    misread.push(`${where} must hold a YAML list of {trigger, destinations}, so Argo CD reads no subscription from it`);
    return undefined;
  }
  const read = new GoFields(yaml, misread);
  return root.items.map((item, i) => {
    const at = `entry ${i + 1} of ${where}`;
    const entry = { triggers: [] as string[], destinations: [] as Array<{ service: string; recipients: string[] }> };
    const fields = read.struct(item, at, ['trigger', 'destinations']);
    if (fields.trigger !== undefined) entry.triggers = read.stringList(fields.trigger, `${at} trigger`) ?? [];
    if (fields.destinations !== undefined && !read.isNull(fields.destinations)) {
      if (yaml.isSeq(fields.destinations)) {
        entry.destinations = fields.destinations.items.map((d, j) => {
          const dat = `${at} destination ${j + 1}`;
          const f = read.struct(d, dat, ['service', 'recipients']);
          return {
            service: f.service === undefined ? '' : read.string(f.service, `${dat} service`) ?? '',
            recipients: f.recipients === undefined ? [] : read.stringList(f.recipients, `${dat} recipients`) ?? [],
          };
        });
      } else {
        misread.push(`${at} destinations is not a list, so Argo CD reads no destination from it`);
      }
    }
    return entry;
  });
}

/** Reads YAML nodes as encoding/json fills Go structs from them (after sigs.k8s.io/yaml's conversion). */
class GoFields {
  constructor(private readonly yaml: ReturnType<typeof yamlModule>, private readonly misread: string[]) {}

  /**
   * The fields of a struct: keys matched case-insensitively, the last of
   * several spellings winning (JSON object keys come sorted), unknown keys
   * ignored. Not a map: every field stays empty.
   */
  public struct(node: unknown, at: string, names: string[]): Record<string, unknown> {
    const fields: Record<string, unknown> = {};
    if (this.isNull(node)) return fields;
    if (!this.yaml.isMap(node)) {
      this.misread.push(`${at} is not a map of ${names.join(' and ')}, so Argo CD reads nothing from it`);
      return fields;
    }
    const pairs = node.items
      .map(pair => ({ key: this.yaml.isScalar(pair.key) ? String(pair.key.value) : String(pair.key), value: pair.value }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const spellings: Record<string, string[]> = {};
    for (const { key, value } of pairs) {
      const field = names.find(n => n === key.toLowerCase());
      if (field === undefined) {
        const hint = key.toLowerCase() === 'triggers' ? ' (the key is "trigger", so the entry gets the default triggers)' : '';
        this.misread.push(`${at} has the key "${key}"${hint}, which Argo CD ignores: use ${names.map(n => `"${n}"`).join(' and ')}`);
        continue;
      }
      (spellings[field] ??= []).push(key);
      fields[field] = value;
    }
    for (const [field, keys] of Object.entries(spellings)) {
      if (keys.length > 1) this.misread.push(`${at} gives ${field} ${keys.length} times (${keys.join(', ')}), and Argo CD reads only "${keys[keys.length - 1]}": keep one`);
    }
    return fields;
  }

  /** A []string field: undefined (nil) when it is not a list. */
  public stringList(node: unknown, at: string): string[] | undefined {
    if (this.isNull(node)) return undefined;
    if (!this.yaml.isSeq(node)) {
      this.misread.push(`${at} is not a list, so Argo CD leaves it empty: write it as a list, for example [name]`);
      return undefined;
    }
    return node.items.map(item => this.string(item, at) ?? '');
  }

  /**
   * A string field: sigs.k8s.io/yaml turns yaml.v2's booleans and numbers
   * into their text, and null into "".
   */
  public string(node: unknown, at: string): string | undefined {
    if (this.isNull(node)) return '';
    if (!this.yaml.isScalar(node)) {
      this.misread.push(`${at} is not a name, so Argo CD leaves it empty`);
      return undefined;
    }
    const source = typeof node.source === 'string' ? node.source : String(node.value);
    if (node.type !== 'PLAIN') return String(node.value);
    const kind = resolveV2(source);
    if (kind === 'str') return source;
    const read = kind === 'bool' ? String(/^(y|yes|true|on)$/i.test(source)) : kind === 'null' ? '' : kind === 'int' ? String(goParseInt(source.replace(/_/g, '')) ?? source) : source;
    this.misread.push(`${at} "${source}" is read by Argo CD's YAML parser as the ${kind} ${JSON.stringify(read)}: quote it`);
    return read;
  }

  public isNull(node: unknown): boolean {
    return node === null || node === undefined || (this.yaml.isScalar(node) && node.value === null);
  }
}
