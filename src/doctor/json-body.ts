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
  /** Why the body is JSON: the service's Content-Type, or its shape; undefined when it is not JSON. */
  readonly jsonBy?: 'content-type' | 'shape';
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

function analyzeBody(config: NotificationsConfig, template: TemplateDef, field: TemplateField): WebhookBody | null {
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
  const jsonBy = isJsonContentType(contentTypeOf(service)) ? 'content-type' : scan.firstChar === '{' || scan.firstChar === '[' ? 'shape' : undefined;
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
        if (body) out.push(body);
      }
    }
  }
  return out;
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
