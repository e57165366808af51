/**
 * Reads the attributes JSON that `attributesJson()` writes, holding
 * hand-edited, stale or hostile text to its exact shape: every key known and
 * of its type, so that nothing is silently ignored or read as something else
 * (a number where a name belongs). What the values mean (a built-in trigger
 * name, an empty matchLabels, invalid label keys) is checked afterwards with
 * the platform's own checks, when the attributes are used.
 */

/** The version of the attributes' JSON form. */
export const ATTRIBUTES_JSON_VERSION = 1;

/** The attributes as plain data, each value of the type its key promises. */
export interface AttributesData {
  readonly flavor?: string;
  readonly namespace?: string;
  readonly serviceName?: string;
  readonly triggers: string[];
  readonly subscriptions: Array<{ readonly matchLabels: Record<string, string>; readonly triggers?: string[] }>;
  readonly instance?: { readonly name: string; readonly subject?: string; readonly tokenEnvVars?: string[] };
  readonly otherServices: OtherServiceData[];
}

/** A service beside the Backstage webhook, as the attributes give it. */
export interface OtherServiceData {
  readonly name: string;
  readonly triggers: string[];
  readonly recipientRequired?: boolean;
  readonly defaultTriggers?: string[];
}

const FIX = 'write them with notifications.attributesJson() of the same library version';
const TOP_KEYS = ['version', 'flavor', 'namespace', 'serviceName', 'triggers', 'subscriptions', 'instance', 'otherServices'];
const OTHER_SERVICE_KEYS = ['name', 'triggers', 'recipientRequired', 'defaultTriggers'];
const SUBSCRIPTION_KEYS = ['matchLabels', 'triggers'];
const INSTANCE_KEYS = ['name', 'subject', 'tokenEnvVars'];

/**
 * The attributes in `json`.
 *
 * @throws with a message naming the key, if the text is not attributes of this version
 */
export function readAttributesJson(json: string): AttributesData {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (e: any) {
    throw new Error(`notifications attributes are not valid JSON (${e.message}): ${FIX}`);
  }
  const top = object(data, 'the attributes');
  if (top.version !== ATTRIBUTES_JSON_VERSION) {
    throw new Error(`notifications attributes have version ${JSON.stringify(top.version)}, not ${ATTRIBUTES_JSON_VERSION}: ${FIX}`);
  }
  knownKeys(top, TOP_KEYS, '');
  if (top.triggers === undefined) throw new Error(`notifications attributes have no "triggers": ${FIX}`);
  const subscriptions = top.subscriptions === undefined || top.subscriptions === null ? [] : list(top.subscriptions, 'subscriptions');
  return {
    flavor: optionalString(top.flavor, 'flavor'),
    namespace: optionalString(top.namespace, 'namespace'),
    serviceName: optionalString(top.serviceName, 'serviceName'),
    triggers: strings(top.triggers, 'triggers'),
    subscriptions: subscriptions.map((s, i) => {
      const where = `subscriptions[${i}]`;
      const entry = object(s, `"${where}"`);
      knownKeys(entry, SUBSCRIPTION_KEYS, `${where}.`);
      if (entry.matchLabels === undefined) throw new Error(`notifications attributes: "${where}" has no "matchLabels": ${FIX}`);
      const labels = object(entry.matchLabels, `"${where}.matchLabels"`);
      for (const [k, v] of Object.entries(labels)) {
        if (typeof v !== 'string') throw new Error(`notifications attributes: "${where}.matchLabels.${k}" must be a string, not ${describe(v)}: ${FIX}`);
      }
      return {
        matchLabels: labels as Record<string, string>,
        ...(entry.triggers === undefined ? {} : { triggers: strings(entry.triggers, `${where}.triggers`) }),
      };
    }),
    instance: instance(top.instance),
    otherServices: (top.otherServices === undefined || top.otherServices === null ? [] : list(top.otherServices, 'otherServices')).map((o, i) => {
      const where = `otherServices[${i}]`;
      const entry = object(o, `"${where}"`);
      knownKeys(entry, OTHER_SERVICE_KEYS, `${where}.`);
      if (typeof entry.name !== 'string') throw new Error(`notifications attributes: "${where}.name" must be a string, not ${describe(entry.name)}: ${FIX}`);
      if (entry.recipientRequired !== undefined && typeof entry.recipientRequired !== 'boolean') {
        throw new Error(`notifications attributes: "${where}.recipientRequired" must be true or false, not ${describe(entry.recipientRequired)}: ${FIX}`);
      }
      return {
        name: entry.name,
        triggers: strings(entry.triggers ?? [], `${where}.triggers`),
        ...(entry.recipientRequired === undefined ? {} : { recipientRequired: entry.recipientRequired as boolean }),
        ...(entry.defaultTriggers === undefined ? {} : { defaultTriggers: strings(entry.defaultTriggers, `${where}.defaultTriggers`) }),
      };
    }),
  };
}

function instance(value: unknown): AttributesData['instance'] {
  if (value === undefined || value === null) return undefined;
  const entry = object(value, '"instance"');
  knownKeys(entry, INSTANCE_KEYS, 'instance.');
  if (typeof entry.name !== 'string') throw new Error(`notifications attributes: "instance.name" must be a string, not ${describe(entry.name)}: ${FIX}`);
  return {
    name: entry.name,
    subject: optionalString(entry.subject, 'instance.subject'),
    tokenEnvVars: entry.tokenEnvVars === undefined ? undefined : strings(entry.tokenEnvVars, 'instance.tokenEnvVars'),
  };
}

function object(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`notifications attributes: ${what} must be a JSON object, not ${describe(value)}: ${FIX}`);
  }
  return value as Record<string, unknown>;
}

function list(value: unknown, key: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`notifications attributes: "${key}" must be a list, not ${describe(value)}: ${FIX}`);
  return value;
}

function strings(value: unknown, key: string): string[] {
  return list(value, key).map((v, i) => {
    if (typeof v !== 'string') throw new Error(`notifications attributes: "${key}[${i}]" must be a name (a string), not ${describe(v)}: ${FIX}`);
    return v;
  });
}

function optionalString(value: unknown, key: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new Error(`notifications attributes: "${key}" must be a string, not ${describe(value)}: ${FIX}`);
  return value;
}

/** Refuses keys the attributes do not have, naming a known key of similar spelling. */
function knownKeys(entry: Record<string, unknown>, known: string[], prefix: string): void {
  for (const key of Object.keys(entry)) {
    if (known.includes(key)) continue;
    const near = known.find(k => similar(k, key));
    const hint = near ? ` (did you mean "${prefix}${near}"?)` : ` (the keys are ${known.map(k => `"${prefix}${k}"`).join(', ')})`;
    throw new Error(`notifications attributes have the unknown key "${prefix}${key}"${hint}, which would be ignored: ${FIX}`);
  }
}

/** One spelling contains the other, case aside, or they are at most two edits apart. */
function similar(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (x.includes(y) || y.includes(x)) return true;
  const d: number[][] = Array.from({ length: x.length + 1 }, (_, i) => [i, ...Array(y.length).fill(0)]);
  for (let j = 1; j <= y.length; j++) d[0][j] = j;
  for (let i = 1; i <= x.length; i++) {
    for (let j = 1; j <= y.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
  }
  return d[x.length][y.length] <= 2;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `the ${typeof value} ${JSON.stringify(value)}`;
}
