/**
 * Renders a JSON field of a template (a webhook body, `slack.attachments`,
 * `teams.facts`, ...) for each representative Application state its
 * triggers can send it in (`app-states.ts`), as the engine would
 * (`template-render.ts`), and parses the result. Values are benign, and what
 * an action writes inside a JSON string, or bare as a plain word, stands for
 * itself only as a placeholder (its escaping is the json-escaping rule's own
 * check): what is left is the JSON the template's literal text and control
 * flow build, such as a trailing comma before a `range` that writes nothing
 * on an automated sync.
 */
import { shapeVerdict, subscribersOf, writtenForMultiSource } from './app-shape';
import { AppState, APP_STATES, withMetadata } from './app-states';
import { conditionsSending, isBlank } from './condition-analysis';
import { evalWhen, ExprValue } from './expr-eval';
import { Inventory } from './inventory';
import { WebhookBody } from './json-body';
import { checkJson } from './json-scan';
import { analyzeTemplate } from './template-analysis';
import { GoValue, renderTemplate, Segment, UNKNOWN_VALUE } from './template-render';
import { parseExpr } from '../private/expr-parser';

/** A body that is not JSON for some of the states it is rendered in. */
export interface RenderedJsonProblem {
  /** Offset in the field's text where the JSON breaks. */
  readonly offset: number;
  /** What is wrong (`a trailing comma before "}"`). */
  readonly message: string;
  /** The states whose rendering breaks, and those that parse. */
  readonly failing: readonly AppState[];
  readonly passing: readonly AppState[];
  /** The rendered text around the fault, for the message. */
  readonly excerpt: string;
}

/** What renderedJsonProblem finds, with what the inputs left unchecked. */
export interface RenderedJson {
  /** The first way the field breaks in the states the inputs allow, if it does. */
  readonly problem?: RenderedJsonProblem;
  /**
   * The field breaks for a multi-source application, and the inputs cannot
   * tell whether one is sent it (no finding: a note).
   */
  readonly uncheckedMultiSource: boolean;
}

/** The label and annotation keys a template reads. */
function metadataKeys(text: string): { labels: string[]; annotations: string[] } {
  const analysis = analyzeTemplate(text);
  const labels = new Set<string>();
  const annotations = new Set<string>();
  if (analysis.ok) {
    for (const ref of analysis.refs) {
      const p = ref.path;
      if (!p || p[0] !== 'app' || p[1] !== 'metadata' || p.length < 4) continue;
      if (p[2] === 'labels') labels.add(p[3]);
      if (p[2] === 'annotations') annotations.add(p[3]);
    }
  }
  return { labels: [...labels], annotations: [...annotations] };
}

/** The states a template can be sent in: those where a condition that sends it holds (or may). */
function statesFor(body: WebhookBody): AppState[] {
  // A template no condition sends is never rendered.
  const sending = conditionsSending(body.config, body.template.name);
  return APP_STATES.filter(state => sending.some(({ condition }) => {
    const when = condition.when?.text;
    if (isBlank(when)) return false;
    const parsed = parseExpr(when!);
    if (!parsed.ok) return false;
    const r = evalWhen(parsed.ast, { app: state.app as unknown as ExprValue });
    return r.kind === 'true' || r.kind === 'unknown';
  }));
}

/** Whether a text is a JSON value on its own (`"x"`, `1`, `{"a":1}`). */
function isJsonValue(text: string): boolean {
  return text.trim() !== '' && checkJson(text) === undefined;
}

/** The text to parse: literal text as rendered, action output as placeholders where its escaping is not the point. */
function assemble(segments: readonly Segment[]): { text: string; origin: number[] } {
  let text = '';
  const origin: number[] = [];
  let inString = false;
  let escaped = false;
  const feed = (t: string, at: (i: number) => number) => {
    [...t].forEach((ch, i) => {
      text += ch;
      origin.push(at(i));
      if (inString) {
        if (escaped) escaped = false;
        else if (ch === '\\') escaped = true;
        else if (ch === '"') inString = false;
      } else if (ch === '"') {
        inString = true;
      }
    });
  };
  for (const s of segments) {
    if (s.kind === 'literal') {
      feed(s.text, i => s.origin + i);
      continue;
    }
    const at = () => s.origin;
    if (inString) {
      feed(s.kind === 'unknown' || s.text !== '' ? 'x' : '', at);
    } else if (s.kind === 'unknown') {
      feed('"x"', at);
    } else if (/^\s*$/.test(s.text) || /["{}[\]:,]/.test(s.text) || isJsonValue(s.text)) {
      // Structure the action writes on purpose (a comma, a fragment, toJson output): as rendered.
      feed(s.text, at);
    } else {
      // A plain word written bare: json-escaping reports it; here it stands for a value.
      feed('"x"', at);
    }
  }
  return { text, origin };
}

/** Each state's rendering: the fault, or none when it parses (states whose rendering the doctor cannot compute are left out). */
interface StateResult {
  readonly state: AppState;
  readonly fault?: { readonly offset: number; readonly message: string; readonly excerpt: string };
}

const cache = new WeakMap<WebhookBody, StateResult[]>();

/**
 * The first way the field's JSON breaks in some state, if it does, among the
 * states the Applications it is sent to can be in: the multi-source state
 * only when an Application of the input that its triggers notify is
 * multi-source, the others unless the inputs show every one is.
 */
export function renderedJsonProblem(body: WebhookBody, inventory: Inventory): RenderedJson {
  let results = cache.get(body);
  if (!results) cache.set(body, (results = compute(body)));
  const subscribers = subscribersOf(inventory, body.config, conditionsSending(body.config, body.template.name).map(s => s.trigger.name));
  const analysis = analyzeTemplate(body.field.text);
  const multi = shapeVerdict(subscribers, 'multi', analysis.ok && writtenForMultiSource(analysis.refs.map(r => r.path)));
  const single = shapeVerdict(subscribers, 'single');
  const allowed = (state: AppState) => (state.sourceShape === 'multi' ? multi.kind === 'shown' : single.kind !== 'none');
  const kept = results.filter(r => allowed(r.state));
  const uncheckedMultiSource = multi.kind === 'unchecked' && results.some(r => r.state.sourceShape === 'multi' && r.fault);
  const failing = kept.filter(r => r.fault);
  if (failing.length === 0) return { uncheckedMultiSource };
  const first = failing[0].fault!;
  return {
    uncheckedMultiSource,
    problem: {
      offset: first.offset,
      message: first.message,
      failing: failing.filter(f => f.fault!.offset === first.offset && f.fault!.message === first.message).map(f => f.state),
      passing: kept.filter(r => !r.fault).map(r => r.state),
      excerpt: first.excerpt,
    },
  };
}

function compute(body: WebhookBody): StateResult[] {
  const text = body.field.text;
  const keys = metadataKeys(text);
  const context: Record<string, GoValue> = { ...(body.config.context?.values ?? {}), notificationType: body.serviceName };
  const results: StateResult[] = [];
  for (const state of statesFor(body)) {
    const app = withMetadata(state.app, keys.labels, keys.annotations) as unknown as GoValue;
    const data: GoValue = {
      app,
      context,
      secrets: UNKNOWN_VALUE,
      recipient: '',
      serviceType: body.unmarshalledBy ? body.serviceName : 'webhook',
      time: UNKNOWN_VALUE,
      strings: UNKNOWN_VALUE,
      repo: UNKNOWN_VALUE,
    };
    const rendered = renderTemplate(text, body.tree, data);
    // A send that fails, or a branch on what the doctor cannot compute: not this check's to judge.
    if (!rendered.ok) continue;
    const { text: json, origin } = assemble(rendered.segments);
    if (json.trim() === '' && body.unmarshalledBy) {
      results.push({ state });
      continue;
    }
    const error = checkJson(json);
    if (!error) {
      results.push({ state });
      continue;
    }
    const pos = Math.min(error.pos, origin.length - 1);
    const start = Math.max(0, pos - 30);
    const excerpt = `${start > 0 ? '…' : ''}${json.slice(start, pos + 10).replace(/\s+/g, ' ')}${pos + 10 < json.length ? '…' : ''}`;
    results.push({ state, fault: { offset: origin[pos] ?? text.length, message: error.message, excerpt } });
  }
  return results;
}
