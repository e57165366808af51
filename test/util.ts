import { App, Chart, Testing } from 'cdk8s';
import { IConstruct } from 'constructs';
import * as YAML from 'yaml';
import { ArgoCdBackstageNotifications, ArgoCdBackstageNotificationsProps, ArgoCdFlavor, NotificationsWarnings } from '../src';
import { ownPayloadBody } from '../src/private/shared-items';

export const BACKSTAGE_URL = 'https://backstage.example.com';
export const ARGOCD_URL = 'https://argocd.example.com';

/** A real-looking token: 48 random-looking characters. */
export const GOOD_TOKEN = 'q8Z2vN0pXr7LkT4wYb9sHc1mJd6Fg3Ae5Ui0Oo2Pp8Rr4Ss';

export function chart(): Chart {
  return new Chart(Testing.app(), 'test');
}

export function notifications(scope: Chart, props: Partial<ArgoCdBackstageNotificationsProps> = {}, id = 'Notifications') {
  return new ArgoCdBackstageNotifications(scope, id, { backstageUrl: BACKSTAGE_URL, argocdUrl: ARGOCD_URL, ...props });
}

/**
 * Validation errors of every construct in the tree, as cdk8s prints them at
 * synth: `[<construct path>] <message>`.
 */
export function validationErrors(scope: IConstruct): string[] {
  return scope.node.findAll().flatMap(c => c.node.validate().map(e => `[${c.node.path}] ${e}`));
}

export function expectValid(scope: IConstruct): void {
  expect(validationErrors(scope)).toEqual([]);
}

/**
 * Runs `action` (a synth, say) and returns the warnings it printed, which
 * then stay out of the test output: for tests that provoke a warning on
 * purpose and assert it.
 */
export function printedWarnings(action: () => void): string[] {
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    action();
    return spy.mock.calls.map(args => String(args[0])).filter(line => line.startsWith('[warning] ')).map(line => line.replace(/\n$/, ''));
  } finally {
    spy.mockRestore();
  }
}

/**
 * Validates the tree, which must have no error, and returns the warnings it
 * printed (out of the test output).
 */
export function warningsOnValidation(scope: IConstruct): string[] {
  let errors: string[] = [];
  const printed = printedWarnings(() => (errors = validationErrors(scope)));
  expect(errors).toEqual([]);
  return printed;
}

/**
 * Acknowledges warnings on a scope (and every construct under it), as users
 * do: for tests that provoke them on purpose, about something else.
 */
export function acknowledge(scope: IConstruct, ...ids: string[]): void {
  for (const id of ids) NotificationsWarnings.of(scope).acknowledge(id, 'provoked on purpose by the test, which is about something else');
}

/** Synthesizes the chart the way `cdk8s synth` does (validation included) and returns the objects. */
export function synth(c: Chart): any[] {
  const app = c.node.root as App;
  return YAML.parseAllDocuments(app.synthYaml()).map(d => d.toJSON()).filter(d => d && d.kind);
}

export function find(objects: any[], kind: string, name?: string): any {
  const found = objects.filter(o => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (found.length !== 1) {
    throw new Error(`expected one ${kind} ${name ?? ''}, found ${found.length}`);
  }
  return found[0];
}

/** The flat notifications data of either flavour, as the controller ends up reading it. */
export function configData(objects: any[]): Record<string, string> {
  const cm = objects.find(o => o.kind === 'ConfigMap' && o.metadata.name === 'argocd-notifications-cm');
  if (cm) return cm.data;
  const cr = find(objects, 'NotificationsConfiguration', 'default-notifications-configuration');
  const ctx = Object.entries(cr.spec.context ?? {}).map(([k, v]) => `${k}: ${v}\n`).join('');
  return { ...cr.spec.triggers, ...cr.spec.templates, ...cr.spec.services, ...cr.spec.subscriptions, ...(ctx ? { context: ctx } : {}) };
}

/**
 * Replaces a body template's Go actions with sample values: preamble actions
 * (`{{- ... -}}`) by nothing, value actions by a JSON string.
 */
export function sampleBody(body: string, sample = 'sample "quoted" \\ value\n'): any {
  // A template that shares its item shows another's payload when that holds: read its own.
  const text = ownPayloadBody(body)
    .split('\n')
    .filter(line => !/^\{\{-.*-\}\}$/.test(line.trim()))
    .join('\n')
    // A value chosen by a condition: keep its first branch.
    .replace(/\{\{ if [^}]*\}\}(\{\{.*?\}\})\{\{ else \}\}\{\{.*?\}\}\{\{ end \}\}/g, '$1')
    .replace(/\{\{.*?\}\}/g, JSON.stringify(sample));
  return JSON.parse(text);
}

export { ArgoCdFlavor, YAML };
