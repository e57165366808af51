/**
 * Writing PromQL selectors and alert texts that Prometheus reads as meant.
 *
 * - Label names in a selector follow Prometheus' classic rule,
 *   `[a-zA-Z_][a-zA-Z0-9_]*`: `{app.kubernetes.io/part-of="argocd"}` fails
 *   the whole rule file ("unexpected character inside braces"). Names that
 *   start with `__` are reserved for Prometheus' internal labels.
 * - Label values are any string, written as a PromQL string literal, which
 *   follows Go's escaping rules.
 * - Alert annotations are Go text/template templates: any `{{` in a text
 *   written into them starts an action, so a name such as `Notif{{ end }}`
 *   fails the rule file. Text is written as a Go string literal inside an
 *   action whenever it has a brace.
 */

import { checkYamlSafe } from './yaml-safety';

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A problem with a label name used in a PromQL selector, or undefined. */
export function checkPromLabelName(what: string, name: string): string | undefined {
  if (LABEL_NAME.test(name) && !name.startsWith('__')) return undefined;
  const sanitized = name.replace(/[^a-zA-Z0-9_]/g, '_').replace(/^(?=[0-9])/, '_').replace(/^__+/, '');
  const hint = sanitized && sanitized !== name && LABEL_NAME.test(sanitized) ? ` (a Kubernetes label "${name}" scraped as a target label is "${sanitized}")` : '';
  if (name.startsWith('__') && LABEL_NAME.test(name)) {
    return `${what} "${name}" starts with "__", which Prometheus reserves for its internal labels, so no scraped series carries it: select on a label the series have`;
  }
  return `${what} "${name}" is not a Prometheus label name, so Prometheus would reject the whole rule file: use letters, digits and '_', not starting with a digit${hint}`;
}

/** A problem with a label value used in a PromQL selector, or undefined. */
export function checkPromLabelValue(what: string, value: string): string | undefined {
  if (typeof value !== 'string') return `${what} is not a string: label values are strings`;
  if (value === '') return `${what} is empty, which selects the series that lack the label: give the value the series carry, or leave the label out`;
  if (LONE_SURROGATE.test(value)) return `${what} is not well-formed Unicode (a lone surrogate): remove it`;
  return checkYamlSafe(what, value);
}

/** A PromQL string literal (Go escaping; JSON's escapes are a subset Go reads). */
export function promString(value: string): string {
  return JSON.stringify(value);
}

/**
 * Text that a Go text/template renders as itself: unchanged without braces,
 * otherwise one action printing it as a Go string literal (JSON's escapes are
 * a subset of Go's), so that neither `{{` in it nor a `{` before a following
 * action can start one.
 */
export function templateText(text: string): string {
  return /[{}]/.test(text) ? `{{ ${JSON.stringify(text)} }}` : text;
}
