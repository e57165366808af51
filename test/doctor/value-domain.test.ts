/**
 * What a field of the Application can hold, from the CRD's shape and types
 * (src/doctor/application-schema.ts, generated) and Kubernetes' and Argo CD's
 * rules (src/doctor/value-domain.ts).
 */
import { execFileSync } from 'child_process';
import * as path from 'path';
import { SCHEMA_NODES, SCHEMA_ROOT } from '../../src/doctor/application-schema';
import { lookupAppPath } from '../../src/doctor/value-domain';

function domain(path_: string) {
  const look = lookupAppPath(path_.split('.'));
  if (!look.ok) throw new Error(`${path_} is not a path of the Application`);
  return look.domain;
}

test('the generated schema is the one build-tools/application-schema.js writes from the CRD', () => {
  expect(Object.keys(SCHEMA_NODES[SCHEMA_ROOT].p!).sort()).toEqual(['apiVersion', 'kind', 'metadata', 'operation', 'spec', 'status']);
  const script = path.join(__dirname, '..', '..', 'build-tools', 'application-schema.js');
  const crds = process.env.CRDS_DIR ?? path.join(__dirname, '..', '..', '..', 'shared', 'crds');
  let out: string;
  try {
    out = execFileSync('node', [script, '--check', crds], { encoding: 'utf-8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e: any) {
    // The CRD lives beside the checkout in development and CI.
    if (/ENOENT/.test(String(e.stderr))) return;
    throw new Error(String(e.stderr));
  }
  expect(out).toMatch(/is current/);
});

test.each([
  ['metadata.labels.team', 'label'],
  ['metadata.name', 'name'],
  ['metadata.creationTimestamp', 'timestamp'],
  ['status.operationState.finishedAt', 'timestamp'],
  ['status.sync.revision', 'revision'],
  ['status.operationState.syncResult.revisions.0', 'revision'],
  ['status.history.0.revision', 'revision'],
  ['status.health.status', 'enum'],
  ['status.operationState.phase', 'enum'],
  ['status.resources.0.health.status', 'enum'],
  ['spec.destination.namespace', 'name'],
  ['status.operationState.retryCount', 'number'],
  ['spec.syncPolicy.automated.prune', 'bool'],
  ['spec.source.repoURL', 'token'],
])('%s cannot hold a quote, a backslash or a newline (%s)', (p, kind) => {
  const d = domain(p);
  expect(d.kind).toBe(kind);
  expect(d.jsonBreaking).toBe(false);
});

test.each([
  ['metadata.annotations.note', 'annotation'],
  ['status.operationState.message', 'message'],
  ['status.conditions.0.message', 'message'],
  ['status.operationState.operation.initiatedBy.username', 'free text'],
  ['status.operationState.operation.info.0.value', 'free text'],
  ['spec.source.helm.values', 'free text'],
])('%s can (%s)', (p, kind) => {
  const d = domain(p);
  expect(d.kind).toBe(kind);
  expect(d.jsonBreaking).toBe(true);
  expect(d.rare).toBeUndefined();
});

test('a requested revision can hold a double quote, rarely; the entity ref annotation is a validated ref', () => {
  expect(domain('spec.source.targetRevision')).toMatchObject({ kind: 'ref', jsonBreaking: true, rare: true, quoteBreaking: false });
  expect(domain('metadata.annotations.backstage.io/entity-ref'.replace('backstage.io/entity-ref', 'x')).kind).toBe('annotation');
  expect(lookupAppPath(['metadata', 'annotations', 'backstage.io/entity-ref'])).toMatchObject({ ok: true, domain: { kind: 'entity-ref', jsonBreaking: false } });
});

test('paths the Application does not have', () => {
  expect(lookupAppPath(['operationState'])).toMatchObject({ ok: false, missingAt: 0 });
  expect(lookupAppPath(['status', 'health', 'staus'])).toMatchObject({ ok: false, missingAt: 2 });
  expect(lookupAppPath(['spec', 'source', 'helm', 'valuesObject', 'image', 'tag']).ok).toBe(true);
});
