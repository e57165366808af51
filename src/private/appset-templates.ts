/**
 * An ApplicationSet's entity ref, checked against the template engine the set
 * uses: Go's text/template with `goTemplate: true`, fasttemplate otherwise.
 * Each has its own parameter syntax, and the other's renders into a broken
 * Application (no Application at all with Go, a literal `{{.x}}` ref that
 * Backstage answers 400 with fasttemplate).
 */
import { FieldNode, Node, parseGoTemplate } from './go-template-parser';
import { APPLICATIONSET_GO_TEMPLATE_OPTIONS, APPLICATIONSET_TEMPLATE_FUNCS, fasttemplateError, fasttemplateTags } from './template-functions';
import { parseEntityRef } from './validation';

/** What of an ApplicationSet spec the check reads. */
export interface TemplatingSpec {
  readonly goTemplate?: boolean;
  readonly goTemplateOptions?: string[];
  readonly generators?: Array<{ readonly list?: { readonly elements?: any[] } }>;
}

/** A parameter of the ref: a path into a generator's parameters. */
interface Parameter {
  /** As written, for messages. */
  readonly text: string;
  /** Go: the field chain (`.a.b` → a, b). fasttemplate: the flattened name (`a.b`). */
  readonly path: string[];
}

/** An entity ref as generated Applications will carry it, where it is known at synth. */
export interface RenderedEntityRef {
  /** Which Applications carry it, for messages: "every generated application", or a list element. */
  readonly where: string;
  /** The ref as Backstage writes it (kind:namespace/name, lowercase). */
  readonly ref: string;
}

/**
 * Problems with an ApplicationSet's entity ref, each a lowercase sentence,
 * and the refs it renders where they are known: the literal ref, or the ref
 * of each literal element of a top-level list generator.
 */
export function appSetEntityRefs(ref: string, spec: TemplatingSpec): { problems: string[]; rendered: RenderedEntityRef[] } {
  const rendered: RenderedEntityRef[] = [];
  const problems = entityRefProblems(ref, spec, rendered);
  return { problems, rendered };
}

/** Problems with an ApplicationSet's entity ref, each a lowercase sentence. */
export function appSetEntityRefProblems(ref: string, spec: TemplatingSpec): string[] {
  return entityRefProblems(ref, spec, []);
}

function entityRefProblems(ref: string, spec: TemplatingSpec, rendered: RenderedEntityRef[]): string[] {
  const problems: string[] = [];
  if (ref !== ref.trim()) {
    // Anything else would only repeat this problem.
    return [`entityRef ${JSON.stringify(ref)} has whitespace around it, which Backstage does not trim, so every notification of the set would be answered 200 [] and dropped silently: remove it`];
  }
  const options = spec.goTemplateOptions ?? [];
  for (const option of options) {
    if (!APPLICATIONSET_GO_TEMPLATE_OPTIONS.has(option)) {
      problems.push(`goTemplateOptions entry "${option}" is not one text/template knows, so the ApplicationSet controller fails on the set: use one of ${[...APPLICATIONSET_GO_TEMPLATE_OPTIONS].join(', ')}`);
    }
  }
  const go = spec.goTemplate === true;
  const parsed = go ? goParameters(ref) : fastParameters(ref);
  if ('problem' in parsed) return [...problems, parsed.problem];
  const literal = parsed.literal;
  if (literal !== undefined) {
    const p = parseEntityRef(literal);
    if (typeof p === 'string') problems.push(p);
    else if (parsed.segments?.every(s => typeof s === 'string')) rendered.push({ where: 'every generated application', ref: `${p.kind}:${p.namespace}/${p.name}` });
  }
  if (parsed.segments !== undefined) {
    problems.push(...listElementProblems(ref, parsed.segments, spec, go, options.includes('missingkey=error'), rendered));
  }
  return problems;
}

/** The ref as literal text and parameters, in order. */
type Segment = string | Parameter;

type Parsed =
  | { readonly problem: string }
  | {
    /** The ref with each parameter replaced by a plain name, to validate its literal parts; undefined for a lone parameter. */
    readonly literal?: string;
    /** The ref in segments, when every action is a plain parameter (so it can be rendered per list element). */
    readonly segments?: Segment[];
  };

function goParameters(ref: string): Parsed {
  const result = parseGoTemplate(ref, APPLICATIONSET_TEMPLATE_FUNCS);
  if (!result.ok) {
    const hint = /function "[^"]*" not defined/.test(result.error.message) ? ' (with goTemplate, parameters are fields: write {{.entityRef}}, not {{entityRef}})' : '';
    return { problem: `entityRef "${ref}" is not a valid Go template (${result.error.message})${hint}, so the ApplicationSet controller would generate no Application of the set at all: fix it` };
  }
  const nodes = result.tree.nodes.filter(n => n.type !== 'Comment');
  let simple = true;
  const segments: Segment[] = [];
  for (const node of nodes) {
    if (node.type === 'Text') {
      segments.push(node.text);
      continue;
    }
    const field = plainField(node);
    if (field) segments.push({ text: `{{ .${field.ident.join('.')} }}`, path: field.ident });
    else simple = false;
  }
  const texts = nodes.map(n => (n.type === 'Text' ? n.text : 'x')).join('');
  return {
    literal: nodes.length === 1 && nodes[0].type !== 'Text' ? undefined : texts,
    segments: simple ? segments : undefined,
  };
}

/** The field of an action `{{ .a.b }}` with no function, pipe or declaration, if that is what it is. */
function plainField(node: Node): FieldNode | undefined {
  if (node.type !== 'Action' || node.pipe.decl.length > 0 || node.pipe.cmds.length !== 1) return undefined;
  const args = node.pipe.cmds[0].args;
  return args.length === 1 && args[0].type === 'Field' ? args[0] : undefined;
}

/** A fasttemplate parameter name: what the ApplicationSet generators produce (`name`, `path.basename`, `metadata.labels.env`). */
const FAST_PARAMETER = /^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+|\[\d+\])*$/;

function fastParameters(ref: string): Parsed {
  const error = fasttemplateError(ref);
  if (error) {
    return { problem: `entityRef "${ref}" has a "{{" without its "}}" (${error}), so the ApplicationSet controller would generate no Application of the set: close it` };
  }
  const tags = fasttemplateTags(ref);
  const segments: Segment[] = [];
  let literal = '';
  let at = 0;
  for (const { tag, offset } of tags) {
    const name = tag.trim();
    if (!FAST_PARAMETER.test(name)) {
      return {
        problem: `entityRef "${ref}" has the tag "{{${tag}}}", which is not a parameter name, so without goTemplate it stays in the ref as written and Backstage answers 400: write parameters as {{name}}, or set goTemplate: true to use Go template syntax such as {{.name}}`,
      };
    }
    segments.push(ref.slice(at, offset), { text: `{{${tag}}}`, path: [name] });
    literal += `${ref.slice(at, offset)}x`;
    at = offset + tag.length + 4;
  }
  segments.push(ref.slice(at));
  literal += ref.slice(at);
  return { literal: tags.length === 1 && ref.trim() === `{{${tags[0].tag}}}` ? undefined : literal, segments };
}

/**
 * For each literal element of a top-level list generator, the ref as the
 * controller renders it: a missing parameter renders `<no value>` (Go), fails
 * the set (Go with missingkey=error) or stays literal (fasttemplate), and the
 * rendered ref must be one Backstage accepts.
 */
function listElementProblems(
  ref: string,
  segments: Segment[],
  spec: TemplatingSpec,
  go: boolean,
  missingKeyError: boolean,
  rendered: RenderedEntityRef[],
): string[] {
  if (segments.every(s => typeof s === 'string')) return [];
  const problems: string[] = [];
  (spec.generators ?? []).forEach((generator, g) => {
    (generator.list?.elements ?? []).forEach((element, e) => {
      const where = `list generator ${g}, element ${e}`;
      let text = '';
      for (const p of segments) {
        if (typeof p === 'string') {
          text += p;
          continue;
        }
        const value = go ? lookup(element, p.path) : flatten(element)[p.path[0]];
        if (value === undefined || value === null || typeof value === 'object') {
          const effect = !go
            ? `stays "${p.text}" in the ref, which Backstage answers 400`
            : missingKeyError
              ? 'fails the whole set (missingkey=error)'
              : 'renders as "<no value>", which Backstage answers 400';
          problems.push(`entityRef "${ref}": ${where} has no string parameter ${p.path.join('.')}, so ${p.text} ${effect}: add it to the element, or use a literal ref`);
          return;
        }
        text += String(value);
      }
      if (text !== text.trim()) {
        problems.push(`entityRef "${ref}": for ${where} it renders with whitespace around it, which Backstage does not trim, so its notifications would be dropped silently: remove it from the element`);
        return;
      }
      const parsedRef = parseEntityRef(text);
      if (typeof parsedRef === 'string') problems.push(`entityRef "${ref}": for ${where} it renders as ${parsedRef}`);
      else rendered.push({ where, ref: `${parsedRef.kind}:${parsedRef.namespace}/${parsedRef.name}` });
    });
  });
  return problems;
}

function lookup(value: any, path: string[]): unknown {
  let cur = value;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = cur[key];
  }
  return cur;
}

/** fasttemplate parameters: nested values flattened with dots, as the list generator does without goTemplate. */
function flatten(value: any, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    if (prefix) out[prefix] = value;
    return out;
  }
  for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  return out;
}
