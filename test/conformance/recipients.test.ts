/**
 * Entity refs are lowercased where they are rendered: an ApplicationSet whose
 * generator gives `owner: Jane` writes `user:default/Jane` into each generated
 * Application, and Backstage's notifications backend keeps a `user:` ref as
 * written (only `user:default/jane` is a user's identity). Through the engine
 * model, the body names the lowercase ref whatever case the annotation has.
 */
import { Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { replay } from './engine';
import { CREATED_AT } from './fixtures';
import { FLAVORS, TOKEN } from './setup';
import { ArgoCdBackstageNotifications, BackstageTrigger, NotificationRecipients, NotificationScope, NotifyingApplicationSet } from '../../src';

const MENTION = BackstageTrigger.custom({
  event: 'mention',
  when: 'app.status != nil and app.status.operationState != nil and app.status.operationState.phase == "Failed"',
  title: 'Failed for {entityRef}: {app}',
  scope: NotificationScope.of('{entityRef}/failures'),
});

/** The Application the ApplicationSet controller generates for one list element (Go template, plain fields). */
function generate(template: any, element: Record<string, string>): any {
  const text = JSON.stringify(template).replace(/\{\{\s*\.(\w+)\s*\}\}/g, (_m, field: string) => element[field]);
  return { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', ...JSON.parse(text) };
}

describe.each(FLAVORS)('%s', (_name, flavor) => {
  const app = Testing.app();
  const chart = new Chart(app, 'c');
  const notifications = new ArgoCdBackstageNotifications(chart, 'N', {
    flavor,
    backstageUrl: 'https://backstage.example.com',
    argocdUrl: 'https://argocd.example.com',
    triggers: [
      BackstageTrigger.SYNC_FAILED.withRecipients(NotificationRecipients.entities({ entityRefs: ['group:default/platform-oncall'], excludeEntityRefs: ['user:default/carol'] })),
      MENTION,
    ],
  });
  const owners = [{ name: 'orders', owner: 'Jane' }, { name: 'payments', owner: 'BOB' }];
  new NotifyingApplicationSet(chart, 'Set', {
    notifications,
    entityRef: 'user:default/{{.owner}}',
    spec: {
      goTemplate: true,
      generators: [{ list: { elements: owners } }],
      template: {
        metadata: { name: '{{.name}}', namespace: notifications.namespace },
        spec: { project: 'default', destination: { server: 'https://kubernetes.default.svc', namespace: '{{.name}}' } },
      },
    } as any,
  });
  const yaml = app.synthYaml();
  const set = YAML.parseAllDocuments(yaml).map(d => d.toJSON()).find((o: any) => o?.kind === 'ApplicationSet');

  test('a generated Application whose annotation has uppercase gets bodies with the lowercase ref, in recipients, texts and scope', () => {
    const generated = owners.map(o => generate(set.spec.template, o));
    expect(generated[0].metadata.annotations['backstage.io/entity-ref']).toBe('user:default/Jane');
    const failed = (a: any) => ({
      ...a,
      metadata: { ...a.metadata, creationTimestamp: CREATED_AT },
      status: {
        sync: { status: 'Synced' },
        health: { status: 'Healthy' },
        reconciledAt: CREATED_AT,
        operationState: { phase: 'Failed', message: 'x', startedAt: CREATED_AT, finishedAt: CREATED_AT, operation: { sync: { revision: 'aaa111' } }, syncResult: { revision: 'aaa111' } },
      },
    });
    const output = replay(yaml, generated.map(a => ({ name: a.metadata.name, states: [failed(a)] })), { token: TOKEN });
    const bodies = output.fixtures.map(f => {
      const step = f.steps[0];
      expect({ sendErrors: step.sendErrors, whenErrors: step.whenErrors }).toEqual({ sendErrors: [], whenErrors: [] });
      return Object.fromEntries(step.requests.map(r => [r.trigger, JSON.parse(r.body)]));
    });
    const [jane, bob] = bodies;
    expect(jane['on-sync-failed-backstage'].recipients).toEqual({
      type: 'entity',
      entityRef: ['user:default/jane', 'group:default/platform-oncall'],
      excludeEntityRef: ['user:default/carol'],
    });
    expect(jane['on-mention-backstage'].recipients).toEqual({ type: 'entity', entityRef: 'user:default/jane' });
    expect(jane['on-mention-backstage'].payload.title).toBe('Failed for user:default/jane: orders');
    expect(jane['on-mention-backstage'].payload.scope).toBe(`argocd/argocd.example.com/${notifications.namespace}/user:default/jane/failures`);
    expect(bob['on-mention-backstage'].recipients).toEqual({ type: 'entity', entityRef: 'user:default/bob' });
  });
});
