/**
 * What Backstage's notifications backend accepts (plugins/notifications-backend
 * schema/openapi.yaml, and the storage limits of its database), as checks on a
 * rendered request.
 */
import Ajv from 'ajv';

export const NOTIFICATIONS_PATH = '/api/notifications/notifications';
export const SEVERITIES = ['critical', 'high', 'normal', 'low'];
/** Backstage's request body limit. */
export const BODY_LIMIT_BYTES = 100 * 1024;
/** title, topic, scope, icon and origin are varchar(255) on PostgreSQL. */
export const VARCHAR_LIMIT = 255;

const entityRefs = { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] };

/** The POST /notifications request body schema. */
export const REQUEST_SCHEMA = {
  type: 'object',
  required: ['recipients', 'payload'],
  additionalProperties: false,
  properties: {
    recipients: {
      oneOf: [
        {
          type: 'object',
          required: ['type', 'entityRef'],
          additionalProperties: false,
          properties: { type: { const: 'entity' }, entityRef: entityRefs, excludeEntityRef: entityRefs },
        },
        {
          type: 'object',
          required: ['type'],
          additionalProperties: false,
          properties: { type: { const: 'broadcast' } },
        },
      ],
    },
    payload: {
      type: 'object',
      required: ['title'],
      additionalProperties: false,
      properties: {
        title: { type: 'string', minLength: 1 },
        description: { type: 'string' },
        link: { type: 'string', pattern: '^(https?://|/)' },
        severity: { enum: SEVERITIES },
        topic: { type: 'string' },
        scope: { type: 'string' },
        icon: { type: 'string' },
        metadata: { type: 'object' },
      },
    },
  },
};

const validate = new Ajv({ allErrors: true }).compile<any>(REQUEST_SCHEMA);

export interface ExpectedRequest {
  readonly url: string;
  readonly token: string;
  readonly entityRef: string;
  readonly argocdUrl: string;
  readonly appNamespace: string;
  readonly appName: string;
}

export interface RenderedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Problems with one rendered request; an empty list when Backstage stores it as intended. */
export function requestProblems(req: RenderedRequest, expected: ExpectedRequest): string[] {
  const problems: string[] = [];
  if (req.method !== 'POST') problems.push(`method is ${req.method}, not POST`);
  if (req.url !== expected.url) problems.push(`url is ${req.url}, not ${expected.url}`);
  if (req.headers['Content-Type'] !== 'application/json') problems.push(`Content-Type is ${req.headers['Content-Type']}`);
  if (req.headers.Authorization !== `Bearer ${expected.token}`) problems.push(`Authorization is ${req.headers.Authorization}`);
  if (req.body.includes('<no value>')) problems.push('body contains <no value>');
  // printf errors such as %!v(MISSING) or %!(EXTRA ...) come from the template, not from data.
  if (/%!\w?\(/.test(req.body)) problems.push('body contains a printf error');
  if (Buffer.byteLength(req.body) >= BODY_LIMIT_BYTES / 4) problems.push(`body has ${Buffer.byteLength(req.body)} bytes, not far below the 100 kB limit`);
  let body: any;
  try {
    body = JSON.parse(req.body);
  } catch (e: any) {
    problems.push(`body is not valid JSON: ${e.message}`);
    return problems;
  }
  if (!validate(body)) {
    problems.push(`body does not match the request schema: ${JSON.stringify(validate.errors)}`);
    return problems;
  }
  if (body.recipients.type !== 'entity' || body.recipients.entityRef !== expected.entityRef) {
    problems.push(`recipients are ${JSON.stringify(body.recipients)}, not entity ${expected.entityRef}`);
  }
  const p = body.payload;
  if ([...p.title].length > VARCHAR_LIMIT) problems.push(`title has ${[...p.title].length} characters`);
  if (!SEVERITIES.includes(p.severity)) problems.push(`severity ${p.severity}`);
  if (!p.topic) problems.push('no topic');
  else if ([...p.topic].length > VARCHAR_LIMIT) problems.push(`topic has ${[...p.topic].length} characters`);
  const link = `${expected.argocdUrl}/applications/${expected.appNamespace}/${expected.appName}`;
  if (p.link !== link) problems.push(`link is ${p.link}, not ${link}`);
  if (!String(p.link).startsWith('https://')) problems.push('link is not https');
  return problems;
}
