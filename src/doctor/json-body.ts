/**
 * JSON-shaped webhook bodies, read for the `json-escaping`, `severity` and
 * `title-bound` rules. A body is a Go template whose literal text is JSON:
 * every body of the inventory that parses, with what each output action
 * writes (`body-evaluation.ts`, `body-values.ts`) and where it writes it
 * (`json-scan.ts`); `body-regions.ts` bounds and lists the texts of a region
 * of it.
 */
import { ValueEvaluator } from './body-evaluation';
import { ValueInfo } from './body-values';
import { Inventory, NotificationsConfig, ServiceDef, TemplateDef, TemplateField } from './inventory';
import { JsonBodyScan, scanJsonBody, Spans } from './json-scan';
import { analyzeTemplate, OutputAction } from './template-analysis';
import { ItemType, Lexer } from '../private/go-template-lexer';
import { ActionNode, ListNode } from '../private/go-template-parser';

/** A webhook body of a template, analysed. */
export interface WebhookBody {
  readonly config: NotificationsConfig;
  readonly template: TemplateDef;
  readonly field: TemplateField;
  /** The service name of the `webhook.<service>` section. */
  readonly serviceName: string;
  readonly service?: ServiceDef;
  readonly tree: ListNode;
  readonly spans: Spans;
  readonly outputs: readonly OutputAction[];
  readonly infos: ReadonlyMap<ActionNode, ValueInfo>;
  readonly scan: JsonBodyScan;
  /** Why the body is JSON: the service's Content-Type, its shape, or a service that unmarshals the field; undefined when it is not JSON. */
  readonly jsonBy?: 'content-type' | 'shape' | 'service' | 'graphql';
  /**
   * For a field a notification service unmarshals (`slack.attachments`): the
   * service, and the error it fails the send with.
   */
  readonly unmarshalledBy?: { readonly service: string; readonly error: string };
  /** Read with the `\\"` inside its actions as plain quotes: it does not parse as written. */
  readonly repaired?: boolean;
  /** Whether the body goes to Backstage's notifications API (by the service URL or the body's shape). */
  readonly backstage: boolean;
}

const cache = new WeakMap<TemplateField, WebhookBody | null>();

/** The Content-Type the service sends, if it sets one. */
export function contentTypeOf(service: ServiceDef | undefined): string | undefined {
  const headers = service?.view?.value?.headers;
  if (!Array.isArray(headers)) return undefined;
  const header = headers.find((h: any) => typeof h?.name === 'string' && h.name.toLowerCase() === 'content-type');
  return header?.value === undefined || header?.value === null ? undefined : String(header.value);
}

/** Whether a Content-Type is JSON (`application/json`, `application/x+json`). */
export function isJsonContentType(value: string | undefined): boolean {
  return value !== undefined && /^\s*application\/([\w.-]+\+)?json\b/i.test(value);
}

/** The offsets of every action and comment, sorted: the analysis's action spans leave comments out. */
export function spansWithComments(text: string, actionSpans: Spans): Array<readonly [number, number]> {
  const lexer = new Lexer(text);
  lexer.options = { emitComment: true, breakOK: true, continueOK: true };
  const spans: Array<readonly [number, number]> = [...actionSpans];
  for (;;) {
    const item = lexer.nextItem();
    if (item.type === ItemType.EOF || item.type === ItemType.Error) break;
    if (item.type !== ItemType.Comment) continue;
    const start = text.lastIndexOf('{{', item.pos);
    const close = text.indexOf('}}', item.pos + item.val.length);
    if (start >= 0 && close >= 0) spans.push([start, close + 2]);
  }
  return spans.sort((a, b) => a[0] - b[0]);
}

/**
 * Template fields that a notification service unmarshals as JSON before it
 * sends (notifications-engine pkg/services): the send fails when they do not
 * parse.
 */
export const SERVICE_JSON_FIELDS: Readonly<Record<string, { readonly service: string; readonly error: string }>> = {
  'slack.attachments': { service: 'Slack', error: 'failed to unmarshal attachments' },
  'slack.blocks': { service: 'Slack', error: 'failed to unmarshal blocks' },
  'mattermost.attachments': { service: 'Mattermost', error: 'failed to unmarshal attachments' },
  'rocketchat.attachments': { service: 'Rocket.Chat', error: 'failed to unmarshal attachments' },
  'teams.facts': { service: 'Teams', error: 'teams facts unmarshalling error' },
  'teams.sections': { service: 'Teams', error: 'teams sections unmarshalling error' },
  'teams.potentialAction': { service: 'Teams', error: 'teams potential action unmarshalling error' },
};

/**
 * A template text with each `\\"` inside an action written as a plain quote
 * and a space (same length, so offsets and lines stay): how it reads once the
 * JSON-style escapes copied into its actions are fixed. Undefined when it has none.
 */
export function withPlainQuotesInActions(text: string): string | undefined {
  let changed = false;
  // An opening quote takes the space before it, a closing one the space after it: the string keeps its text.
  const out = text.replace(/\{\{[\s\S]*?\}\}/g, action => {
    let n = 0;
    return action.replace(/\\"/g, () => {
      changed = true;
      return n++ % 2 === 0 ? ' "' : '" ';
    });
  });
  return changed ? out : undefined;
}

function analyzeBody(config: NotificationsConfig, template: TemplateDef, original: TemplateField): WebhookBody | null {
  // A body that does not parse for JSON escapes inside its actions (template-parse's finding) is read as it
  // will be once fixed, so that what it then writes is checked too.
  let field = original;
  let repaired = false;
  if (!analyzeTemplate(original.text, template.name).ok) {
    const fixed = withPlainQuotesInActions(original.text);
    if (fixed === undefined || !analyzeTemplate(fixed, template.name).ok) return null;
    field = { ...original, text: fixed };
    repaired = true;
  }
  const body = analyzeParsed(config, template, field);
  return body && repaired ? { ...body, repaired } : body;
}

function analyzeParsed(config: NotificationsConfig, template: TemplateDef, field: TemplateField): WebhookBody | null {
  const unmarshalledBy = field.path.length === 2 ? SERVICE_JSON_FIELDS[field.path.join('.')] : undefined;
  if (unmarshalledBy) {
    const analysis = analyzeTemplate(field.text, template.name);
    if (!analysis.ok) return null;
    const evaluator = new ValueEvaluator({ context: config.context?.values, serviceName: field.path[0] }).run(analysis.tree);
    const spans = spansWithComments(field.text, analysis.actionSpans);
    const benign = (output: OutputAction): string => {
      const type = evaluator.outputs.get(output.node)?.type;
      return type === 'number' ? '1' : type === 'bool' ? 'true' : '"x"';
    };
    const scan = scanJsonBody(field.text, analysis.tree, spans, analysis.outputs, benign);
    // An empty field is not unmarshalled; one that is not JSON-shaped is not meant as JSON.
    if (scan.firstChar !== '{' && scan.firstChar !== '[') return null;
    return {
      config,
      template,
      field,
      serviceName: field.path[0],
      tree: analysis.tree,
      spans,
      outputs: analysis.outputs,
      infos: evaluator.outputs,
      scan,
      jsonBy: 'service',
      unmarshalledBy,
      backstage: false,
    };
  }
  const serviceName = field.path[1];
  const analysis = analyzeTemplate(field.text, template.name + serviceName);
  if (!analysis.ok) return null;
  const service = config.services.find(s => s.name === serviceName && s.type === 'webhook');
  const evaluator = new ValueEvaluator({ context: config.context?.values, serviceName }).run(analysis.tree);
  const spans = spansWithComments(field.text, analysis.actionSpans);
  const benign = (output: OutputAction): string => {
    const type = evaluator.outputs.get(output.node)?.type;
    return type === 'number' ? '1' : type === 'bool' ? 'true' : '"x"';
  };
  const scan = scanJsonBody(field.text, analysis.tree, spans, analysis.outputs, benign);
  const contentType = contentTypeOf(service);
  // A GraphQL document (application/graphql): its strings are JSON strings.
  const jsonBy = isJsonContentType(contentType)
    ? 'content-type'
    : /^\s*application\/graphql\b/i.test(contentType ?? '')
      ? 'graphql'
      : contentType === undefined && (scan.firstChar === '{' || scan.firstChar === '[')
        ? 'shape'
        : undefined;
  const url = service?.view?.value?.url;
  const topKeys = new Set(scan.values.filter(v => v.keyPath.length === 1).map(v => v.keyPath[0]));
  const backstage = (typeof url === 'string' && /\/api\/notifications(\/|$|\?)/.test(url)) || (topKeys.has('recipients') && topKeys.has('payload'));
  return {
    config,
    template,
    field,
    serviceName,
    service,
    tree: analysis.tree,
    spans,
    outputs: analysis.outputs,
    infos: evaluator.outputs,
    scan,
    jsonBy,
    backstage,
  };
}

/** Every webhook body of the inventory's configurations that parses as a Go template. */
export function webhookBodies(inventory: Inventory): WebhookBody[] {
  const out: WebhookBody[] = [];
  for (const config of inventory.activeConfigs) {
    for (const template of config.templates) {
      if (template.error) continue;
      for (const field of template.fields) {
        if (field.path.length !== 3 || field.path[0] !== 'webhook' || field.path[2] !== 'body') continue;
        let body = cache.get(field);
        if (body === undefined) {
          body = analyzeBody(config, template, field);
          cache.set(field, body);
        }
        if (body && !body.repaired) out.push(body);
      }
    }
  }
  return out;
}

/**
 * Every field of the inventory's templates that must be JSON: webhook bodies
 * (JSON by the service's Content-Type or their shape) and the fields
 * notification services unmarshal (`slack.attachments`, `teams.facts`, ...).
 */
export function jsonFields(inventory: Inventory): WebhookBody[] {
  const out: WebhookBody[] = [];
  for (const config of inventory.activeConfigs) {
    for (const template of config.templates) {
      if (template.error) continue;
      for (const field of template.fields) {
        const isBody = field.path.length === 3 && field.path[0] === 'webhook' && field.path[2] === 'body';
        const isServiceField = field.path.length === 2 && SERVICE_JSON_FIELDS[field.path.join('.')] !== undefined;
        if (!isBody && !isServiceField) continue;
        let body = cache.get(field);
        if (body === undefined) {
          body = analyzeBody(config, template, field);
          cache.set(field, body);
        }
        if (body) out.push(body);
      }
    }
  }
  return out;
}

/** What the receiver of a JSON field does with invalid JSON, for messages. */
export function invalidJsonImpact(body: WebhookBody): string {
  if (body.unmarshalledBy) {
    return `Argo CD's ${body.unmarshalledBy.service} service cannot unmarshal ${body.field.path.join('.')} ("${body.unmarshalledBy.error}") and fails the send: the notification is lost`;
  }
  if (body.backstage) return 'Backstage answers 400, which Argo CD does not retry, so the notification is lost';
  const url = body.service?.view?.value?.url;
  let host: string | undefined;
  try {
    host = typeof url === 'string' && !/^\s*[$]/.test(url) ? new URL(url.replace(/[$][\w-]+/g, 'x')).host : undefined;
  } catch {
    host = undefined;
  }
  const receiver = host ? `the receiver at ${host}` : `the receiver of webhook service "${body.serviceName}"`;
  return `${receiver} gets invalid JSON${body.jsonBy === 'content-type' ? ' under a JSON Content-Type' : ''}; a JSON API answers 4xx, which Argo CD does not retry, so the notification is lost`;
}

/** The file line of an offset of a body. */
export function lineOf(body: WebhookBody, offset: number): number {
  return body.field.span.lineOf(offset);
}

/** The text of an action between its delimiters, without trim markers. */
export function actionText(text: string, action: { start: number; end: number }): string {
  return text
    .slice(action.start + 2, action.end - 2)
    .replace(/^-\s/, '')
    .replace(/\s-$/, '')
    .trim();
}

/** The key path as Backstage names it: `payload.title`. */
export function formatKeyPath(path: readonly string[]): string {
  return path.map((p, i) => (p === '[]' ? '[]' : p === '?' ? (i === 0 ? '*' : '.*') : i === 0 ? p : `.${p}`)).join('');
}
