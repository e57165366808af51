/**
 * The upstream CRDs the imported types were generated from, and their
 * openAPIV3Schema as ajv validators. The files are not committed: they are
 * read from CRDS_DIR (default: ../shared/crds beside the checkout) and must
 * match the pinned checksums.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import Ajv, { ValidateFunction } from 'ajv';
import * as YAML from 'yaml';

export interface PinnedCrd {
  readonly file: string;
  readonly source: string;
  readonly sha256: string;
}

export const CRDS: Record<string, PinnedCrd> = {
  'argoproj.io/Application': {
    file: 'application-crd.yaml',
    source: 'argoproj/argo-cd v3.5.1 manifests/crds/application-crd.yaml',
    sha256: '5dde0e229249b6b707beb98674c1deae3949d5c319a6c45b9f5a80c99618e40c',
  },
  'argoproj.io/NotificationsConfiguration': {
    file: 'argoproj.io_notificationsconfigurations.yaml',
    source: 'argoproj-labs/argocd-operator v0.18.0 config/crd/bases/argoproj.io_notificationsconfigurations.yaml',
    sha256: '4391f4a4af30d27e4587039124d43626285c3ac73abfd1135602613d7f7645f2',
  },
  'argoproj.io/ApplicationSet': {
    file: 'applicationset-crd.yaml',
    source: 'argoproj/argo-cd v3.5.1 manifests/crds/applicationset-crd.yaml',
    sha256: '7d282054f41ca2b71a22bab04a8caf0000e07e53a62432e6ea292dae5ab4f07d',
  },
  'argoproj.io/ArgoCD': {
    file: 'argoproj.io_argocds.yaml',
    source: 'argoproj-labs/argocd-operator v0.18.0 config/crd/bases/argoproj.io_argocds.yaml',
    sha256: '5907b06a524a3322bd057246f1c883408e90aa16a54cca715eb6e02eecd024de',
  },
  'external-secrets.io/ExternalSecret': {
    file: 'external-secrets.io_externalsecrets.yaml',
    source: 'external-secrets/external-secrets v2.9.0 config/crds/bases/external-secrets.io_externalsecrets.yaml',
    sha256: '5044be5a610ca90a075f34f03ed20b462695c43387ba9410db7f4250e47b1e2f',
  },
  'monitoring.coreos.com/PrometheusRule': {
    file: 'monitoring.coreos.com_prometheusrules.yaml',
    source: 'prometheus-operator/prometheus-operator v0.93.0 example/prometheus-operator-crd/monitoring.coreos.com_prometheusrules.yaml',
    sha256: '78be98554b9c8506ab2b4f4feb91c5f3a56e536a0a510f3a8e876a459970d56d',
  },
  'rhdh.redhat.com/Backstage': {
    file: 'rhdh.redhat.com_backstages.yaml',
    source: 'redhat-developer/rhdh-operator c0cb1c92235d2aced931044c3c732156635f77f1 config/crd/bases/rhdh.redhat.com_backstages.yaml',
    sha256: '21e10054901cdbd26425a7fcdb669048d93e2176331e35ea0a7fb71e8778fca7',
  },
};

export function crdsDir(): string {
  return path.resolve(process.env.CRDS_DIR ?? path.join(__dirname, '..', '..', '..', 'shared', 'crds'));
}

export function readCrd(key: string): any {
  const pinned = CRDS[key];
  const file = path.join(crdsDir(), pinned.file);
  if (!fs.existsSync(file)) {
    throw new Error(`CRD ${pinned.file} not found in ${crdsDir()}: set CRDS_DIR to a folder holding ${pinned.source}`);
  }
  const raw = fs.readFileSync(file);
  const sha = createHash('sha256').update(raw).digest('hex');
  if (sha !== pinned.sha256) {
    throw new Error(`${file} has sha256 ${sha}, not the pinned ${pinned.sha256} of ${pinned.source}`);
  }
  return YAML.parse(raw.toString('utf-8'));
}

const KUBERNETES_KEYWORDS = [
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-int-or-string',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
  'x-kubernetes-embedded-resource',
  'x-kubernetes-validations',
];

/**
 * The API server prunes fields a structural schema does not know, silently.
 * For validation, an unknown field is an error instead: every object schema
 * with properties, and without x-kubernetes-preserve-unknown-fields, gets
 * additionalProperties: false.
 */
function strict(schema: any): any {
  if (Array.isArray(schema)) return schema.map(strict);
  if (!schema || typeof schema !== 'object') return schema;
  const out: any = {};
  for (const [k, v] of Object.entries(schema)) out[k] = strict(v);
  if (out.properties && out.additionalProperties === undefined && !out['x-kubernetes-preserve-unknown-fields']) {
    out.additionalProperties = false;
  }
  if (typeof out.pattern === 'string') out.pattern = goPatternToJs(out.pattern);
  if (out['x-kubernetes-int-or-string']) {
    delete out.type;
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  return out;
}

/**
 * CRD patterns are Go (RE2) regular expressions. The one construct that
 * JavaScript lacks and the pinned CRDs use is the case-insensitive flag
 * `(?i)`; it is rewritten as character pairs ([aA]).
 */
function goPatternToJs(pattern: string): string {
  if (!pattern.includes('(?i)')) return pattern;
  return pattern.replace('(?i)', '').replace(/\\.|\[[^\]]*\]|[A-Za-z]/g, m => (/^[A-Za-z]$/.test(m) ? `[${m.toLowerCase()}${m.toUpperCase()}]` : m));
}

const validators = new Map<string, ValidateFunction>();

/** A validator for objects of the CRD's storage version. */
export function crdValidator(apiVersion: string, kind: string): ValidateFunction {
  const group = apiVersion.split('/')[0];
  const key = `${group}/${kind}`;
  const cached = validators.get(`${apiVersion}/${kind}`);
  if (cached) return cached;
  const crd = readCrd(key);
  const version = crd.spec.versions.find((v: any) => `${crd.spec.group}/${v.name}` === apiVersion);
  if (!version) throw new Error(`${key} has no served version ${apiVersion}`);
  const schema = strict(version.schema.openAPIV3Schema);
  // metadata is validated by the API server itself, not by the CRD.
  schema.properties.metadata = { type: 'object' };
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
  for (const keyword of KUBERNETES_KEYWORDS) ajv.addKeyword(keyword);
  const validate = ajv.compile(schema);
  validators.set(`${apiVersion}/${kind}`, validate);
  return validate;
}
