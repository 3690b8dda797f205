/**
 * The OpenAPI 3.1 document of the HTTP API (docs/openapi.json): the routes the grant, evidence and doctor
 * handlers serve, the request bodies and the grant list query converted from the valibot schemas that validate
 * them (lib/api/grantBodies.ts), problem+json errors and Entra ID bearer tokens. Only this script and the tests
 * import it, so it never reaches the function bundle.
 *
 * Usage: npm run docs:openapi   (writes docs/openapi.json; test/docs/openapi.test.ts fails when it is stale)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { toJsonSchema, type ConversionConfig, type JsonSchema } from '@valibot/to-json-schema';
import { format, resolveConfig } from 'prettier';
import type * as v from 'valibot';
import {
  adoptGrantBody,
  granteeQuery,
  extendGrantBody,
  GRANT_STATUSES,
  grantIdSchema,
  listGrantsQuery,
  reasonBody,
  requestGrantBody,
} from '../lib/api/grantBodies.js';
import { GRANT_ROUTES } from '../lib/triggers/grantHttpHandler.js';
import { MAX_BODY_BYTES } from '../lib/api/readJsonBody.js';
import { EVIDENCE_ROUTES } from '../lib/triggers/evidenceHttpHandler.js';
import { EXPORT_FORMATS, EXPORT_KINDS } from '../lib/evidence/evidenceTable.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../lib/grants/listGrants.js';

export const OPENAPI_FILE = resolve(import.meta.dirname, '..', 'docs', 'openapi.json');

type Json = Record<string, unknown>;

/**
 * The wire (input) side of each schema. Trimming and lower-casing change no type; a check's message is what a
 * caller would be told, so it becomes the description. Anything else the converter cannot express fails here.
 */
const CONVERSION: ConversionConfig = {
  target: 'draft-2020-12',
  typeMode: 'input',
  errorMode: 'throw',
  overrideAction({ valibotAction, jsonSchema }) {
    if (valibotAction.type === 'trim' || valibotAction.type === 'to_lower_case') return jsonSchema;
    if (valibotAction.type === 'check') {
      const message = (valibotAction as { message?: unknown }).message;
      if (typeof message !== 'string') return undefined;
      const rule = `When invalid: ${message}.`;
      return { ...jsonSchema, description: jsonSchema.description ? `${jsonSchema.description} ${rule}` : rule };
    }
    return undefined;
  },
};

function schemaOf(schema: v.GenericSchema): JsonSchema {
  const { $schema: _dialect, ...rest } = toJsonSchema(schema, CONVERSION);
  return rest;
}

const problem = (description: string, headers: Json = {}): Json => ({
  description,
  headers,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

/** The problem+json answers, by name; every operation lists the ones it can give. */
const PROBLEMS = {
  badRequest: ['400', problem('Malformed JSON, or an empty body where one is required.')],
  badPageToken: ['400', problem('A page token this API did not hand out (`invalid-page-token`).')],
  badQuery: ['400', problem('A query value is missing or invalid (`invalid-field`, naming it).')],
  unauthenticated: [
    '401',
    problem('No usable Entra ID identity (`unauthenticated`).', {
      'WWW-Authenticate': { schema: { type: 'string' } },
    }),
  ],
  forbidden: [
    '403',
    problem(
      'The caller lacks the app role (`missing-role`), the grant policy refuses (for example self-approval), or a cross-site POST (`cross-site`).',
    ),
  ],
  notFound: ['404', problem('No such grant, or one the caller may not see (`grant-not-found`).')],
  conflict: [
    '409',
    problem(
      'The grant is not in a state that allows this (`grant-state`), or was changed at the same time (`concurrent-change`).',
    ),
  ],
  tooLarge: ['413', problem(`The body is larger than ${MAX_BODY_BYTES} bytes (\`body-too-large\`).`)],
  mediaType: ['415', problem('The body is not declared `application/json` (UTF-8) (`unsupported-media-type`).')],
  invalid: ['422', problem('A field is invalid or unknown (`invalid-field`; `field` and `errors` name every one).')],
  internal: [
    '500',
    problem('Unexpected failure; the detail names the invocation id to look up in the Function App logs.'),
  ],
  upstream: [
    '502',
    problem(
      'Exchange, Graph or email failed (`upstream-failed`, naming the service), or a release or cancel could not be verified (`release-not-verified`, `cancel-not-verified`).',
    ),
  ],
  unavailable: [
    '503',
    problem(
      'The Entra ID signing keys cannot be read (`signing-keys-unavailable`; the token was not refused), or an upstream service is throttled or unavailable (`upstream-failed`). Retry after `Retry-After` seconds.',
      {
        'Retry-After': { schema: { type: 'integer' } },
      },
    ),
  ],
} satisfies Record<string, [status: string, Json]>;

type ProblemName = keyof typeof PROBLEMS;
/** Every operation authenticates the caller and checks the app role first, and may fail unexpectedly. */
const ALWAYS: ProblemName[] = ['unauthenticated', 'forbidden', 'internal', 'unavailable'];

function responses(ok: Json, problems: ProblemName[]): Json {
  const answers = [...new Set([...problems, ...ALWAYS])].map((name) => PROBLEMS[name]);
  return { ...ok, ...Object.fromEntries(answers.sort(([a], [b]) => a.localeCompare(b))) };
}

const grantResponse = (status: '200' | '201', description: string): Json => ({
  [status]: {
    description,
    ...(status === '201'
      ? { headers: { Location: { description: 'The new grant.', schema: { type: 'string' } } } }
      : {}),
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Grant' } } },
  },
});

function jsonBody(schema: v.GenericSchema, required: boolean, description: string): Json {
  return { required, description, content: { 'application/json': { schema: schemaOf(schema) } } };
}

const BODY_PROBLEMS: ProblemName[] = ['badRequest', 'tooLarge', 'mediaType', 'invalid'];

interface GrantOperation {
  operationId: string;
  summary: string;
  description: string;
  body?: Json;
  parameters?: Json[];
  ok: Json;
  problems: ProblemName[];
}

function listParameters(): Json[] {
  const query = schemaOf(listGrantsQuery) as { properties: Record<string, JsonSchema> };
  const describe: Record<string, string> = {
    status: `Comma-separated grant states: ${GRANT_STATUSES.join(', ')}.`,
    principal: "The grantee's UPN, any case.",
    limit: `Page size, 1 to ${MAX_PAGE_SIZE}; default ${DEFAULT_PAGE_SIZE}.`,
    pageToken: 'The `nextPageToken` of the previous page, passed back unchanged with the same filters.',
  };
  return Object.entries(query.properties).map(([name, schema]) => ({
    name,
    in: 'query',
    required: false,
    description: describe[name],
    schema,
  }));
}

/** What each grant route ("METHOD shape", as the handler keys them) takes and answers. */
const GRANT_OPERATIONS: Record<string, GrantOperation> = {
  'GET ': {
    operationId: 'listGrants',
    summary: 'List grants',
    description: 'One page at a time, in grant id order; requesters see the grants they requested or hold.',
    parameters: listParameters(),
    ok: {
      '200': {
        description: 'One page; the last page has no `nextPageToken`.',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/GrantPage' } } },
      },
    },
    problems: ['badPageToken', 'invalid'],
  },
  'POST ': {
    operationId: 'requestGrant',
    summary: 'Request a grant',
    description: 'A time-boxed grant of Mailbox Import Export, `pending` until approved; approvers are emailed.',
    body: jsonBody(requestGrantBody, true, '`duration` is an ISO 8601 duration; `start` at most 90 days ahead.'),
    ok: grantResponse('201', 'The `pending` grant.'),
    problems: [...BODY_PROBLEMS, 'conflict', 'upstream'],
  },
  'POST adopt': {
    operationId: 'adoptGrant',
    summary: 'Adopt an assignment',
    description: 'Turns an existing unapproved direct user assignment into an `active` grant that expires.',
    body: jsonBody(adoptGrantBody, true, 'The assignment by its Guid, and the grant it becomes.'),
    ok: grantResponse('201', 'The `active` grant.'),
    problems: [...BODY_PROBLEMS, 'conflict', 'upstream'],
  },
  'GET grantee': {
    operationId: 'checkGrantee',
    summary: 'Check a grantee',
    description:
      'The directory and Exchange checks a request makes for its `principal`, before anything is written: an enabled user known to Exchange Online, or 422 naming `principal`.',
    parameters: [
      {
        name: 'principal',
        in: 'query',
        required: true,
        description: "The grantee's UPN.",
        schema: (schemaOf(granteeQuery) as { properties: Record<string, JsonSchema> }).properties.principal,
      },
    ],
    ok: {
      '200': {
        description: 'The user, as the directory names them.',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Grantee' } } },
      },
    },
    problems: ['invalid', 'upstream'],
  },
  'GET :id/journal': {
    operationId: 'getGrantTimeline',
    summary: "Read a grant's timeline",
    description: 'Every journal entry about the grant, oldest first; who may read the grant may read its timeline.',
    ok: {
      '200': {
        description: 'The entries.',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/GrantTimeline' } } },
      },
    },
    problems: ['notFound'],
  },
  'GET :id': {
    operationId: 'getGrant',
    summary: 'Read a grant',
    description: 'Requesters read the grants they requested or hold; anyone else gets 404.',
    ok: grantResponse('200', 'The grant.'),
    problems: ['notFound'],
  },
  'POST :id/approve': {
    operationId: 'approveGrant',
    summary: 'Approve a request',
    description:
      'Creates the assignment `MIE-Grant-{id}` (or the role group membership) and makes the grant `active`; with a future start it stays `approved` until the revocation timer activates it. For a pending extension, extends the expiry. A request (or extension request) older than `WATCHDOG_REQUEST_TTL` has lapsed and is refused with 409 `request-lapsed`.',
    body: jsonBody(
      reasonBody,
      false,
      'An optional reason, journaled with the approval (`approveReason` on the grant).',
    ),
    ok: grantResponse('200', 'The `active` (or `approved`) grant.'),
    problems: [...BODY_PROBLEMS, 'notFound', 'conflict', 'upstream'],
  },
  'POST :id/deny': {
    operationId: 'denyGrant',
    summary: 'Deny a request',
    description:
      'The grant becomes `denied`; for a pending extension, the grant keeps its expiry. A denial needs a reason: without one it is refused with 422 naming `reason` (after the policy checks, so a self-decision is still 403). A lapsed request (`WATCHDOG_REQUEST_TTL`) is refused with 409 `request-lapsed`.',
    body: jsonBody(reasonBody, false, 'Why the request is denied (required).'),
    ok: grantResponse('200', 'The grant.'),
    problems: [...BODY_PROBLEMS, 'notFound', 'conflict', 'upstream'],
  },
  'POST :id/cancel': {
    operationId: 'cancelGrant',
    summary: 'Cancel a grant',
    description:
      'Withdraws a `pending` or `approved` grant; for an `approved` grant whose start has come the assignment is removed and read back first.',
    body: jsonBody(reasonBody, false, 'An optional reason.'),
    ok: grantResponse('200', 'The `cancelled` grant.'),
    problems: [...BODY_PROBLEMS, 'notFound', 'conflict', 'upstream'],
  },
  'POST :id/extend': {
    operationId: 'extendGrant',
    summary: 'Extend a grant',
    description: 'Asks for more time on an `active` grant; the extension needs a new approval.',
    body: jsonBody(extendGrantBody, true, 'The extra time (ISO 8601 duration) and why.'),
    ok: grantResponse('200', 'The grant with its pending extension.'),
    problems: [...BODY_PROBLEMS, 'notFound', 'conflict', 'upstream'],
  },
  'POST :id/release': {
    operationId: 'releaseGrant',
    summary: 'Release a grant',
    description: 'Removes the assignment now and reads it back; the grant becomes `released`.',
    body: jsonBody(reasonBody, false, 'An optional reason.'),
    ok: grantResponse('200', 'The `released` grant.'),
    problems: [...BODY_PROBLEMS, 'notFound', 'conflict', 'upstream'],
  },
};

/** The API path of a grant route shape ('', 'adopt', ':id', ':id/<action>'). */
export function grantPath(shape: string): string {
  return `/api/grants${shape === '' ? '' : `/${shape.replace(':id', '{id}')}`}`;
}

const CHAIN_HEADERS: Json = {
  'X-Watchdog-Chain': { description: 'Whether the journal verified.', schema: { enum: ['intact', 'broken'] } },
  'X-Watchdog-Chain-Head': { description: '`seq:hash` of the last entry.', schema: { type: 'string' } },
};

const instantParameter = (name: string, required: boolean, description: string): Json => ({
  name,
  in: 'query',
  required,
  description,
  schema: { type: 'string' },
});

const PERIOD = [
  instantParameter('from', false, 'Start of the period (inclusive), ISO 8601 date or date-time with a zone.'),
  instantParameter('to', false, 'End of the period (exclusive), after `from`.'),
];

const STREAMED: Json = {
  'text/csv': { schema: { type: 'string' } },
  'application/json': { schema: { type: 'string' } },
  'application/x-ndjson': { schema: { type: 'string' } },
  'text/html': { schema: { type: 'string' } },
};

/** What each evidence route (the name after /api/evidence/) takes and answers. */
const EVIDENCE_OPERATIONS: Record<string, Json> = {
  export: {
    operationId: 'exportEvidence',
    summary: 'Export evidence',
    description: 'The journal, grants, findings or holder periods of a period, streamed, after verifying the chain.',
    parameters: [
      { name: 'kind', in: 'query', required: false, schema: { enum: [...EXPORT_KINDS], default: 'journal' } },
      { name: 'format', in: 'query', required: false, schema: { enum: [...EXPORT_FORMATS], default: 'csv' } },
      ...PERIOD,
      {
        name: 'bom',
        in: 'query',
        required: false,
        description: 'CSV only: `false` drops the UTF-8 byte order mark.',
        schema: { enum: ['true', 'false'], default: 'true' },
      },
    ],
    responses: responses(
      {
        '200': { description: 'The export, as an attachment.', headers: CHAIN_HEADERS, content: STREAMED },
      },
      ['badQuery'],
    ),
  },
  report: {
    operationId: 'evidenceReport',
    summary: 'Evidence report',
    description:
      'The HTML evidence report of a period: integrity, holders over time, grants, drift and its resolution.',
    parameters: PERIOD,
    responses: responses(
      {
        '200': {
          description: 'The report, as an attachment.',
          headers: CHAIN_HEADERS,
          content: { 'text/html': { schema: { type: 'string' } } },
        },
      },
      ['badQuery'],
    ),
  },
  holders: {
    operationId: 'holdersAt',
    summary: 'Holders at an instant',
    description: 'Who held the role at that instant, replayed from the journal.',
    parameters: [instantParameter('at', true, 'The instant, ISO 8601 date-time with a zone.')],
    responses: responses(
      {
        '200': {
          description: 'The holders then, and whether the history verified.',
          headers: CHAIN_HEADERS,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/HoldersAt' } } },
        },
      },
      ['badQuery'],
    ),
  },
  verify: {
    operationId: 'verifyHistory',
    summary: 'Verify the history',
    description: 'Verifies the hash chain of the whole journal.',
    responses: responses(
      {
        '200': {
          description: 'The verification report.',
          headers: CHAIN_HEADERS,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/ChainReport' } } },
        },
      },
      [],
    ),
  },
};

const roleSecurity = (roles: readonly string[]) => ({
  security: [{ entraId: [] }],
  'x-app-roles': [...roles],
});

const described = (summary: string, roles: readonly string[]) =>
  `${summary} App role: ${roles.map((r) => `\`${r}\``).join(' or ')}.`;

function grantPaths(): Record<string, Json> {
  const paths: Record<string, Json> = {};
  for (const { key, roles } of GRANT_ROUTES) {
    const operation = GRANT_OPERATIONS[key];
    if (!operation) throw new Error(`The grant route "${key}" has no entry in scripts/openapi.ts; describe it there.`);
    const [method = '', shape = ''] = key.split(' ');
    const path = grantPath(shape);
    const idParameter = shape.startsWith(':id')
      ? [{ name: 'id', in: 'path', required: true, description: 'The grant id.', schema: schemaOf(grantIdSchema) }]
      : [];
    const item = (paths[path] ??= {});
    item[method.toLowerCase()] = {
      tags: ['grants'],
      operationId: operation.operationId,
      summary: operation.summary,
      description: described(operation.description, roles),
      ...roleSecurity(roles),
      ...(idParameter.length || operation.parameters
        ? { parameters: [...idParameter, ...(operation.parameters ?? [])] }
        : {}),
      ...(operation.body ? { requestBody: operation.body } : {}),
      responses: responses(operation.ok, operation.problems),
    };
  }
  return paths;
}

function evidencePaths(): Record<string, Json> {
  const paths: Record<string, Json> = {};
  for (const name of EVIDENCE_ROUTES) {
    const operation = EVIDENCE_OPERATIONS[name];
    if (!operation)
      throw new Error(`The evidence route "${name}" has no entry in scripts/openapi.ts; describe it there.`);
    paths[`/api/evidence/${name}`] = {
      get: {
        tags: ['evidence'],
        ...operation,
        description: described(String(operation.description), ['Audit.Read']),
        ...roleSecurity(['Audit.Read']),
      },
    };
  }
  return paths;
}

function doctorPath(): Record<string, Json> {
  const report = { 'application/json': { schema: { $ref: '#/components/schemas/DoctorReport' } } };
  return {
    '/api/doctor': {
      get: {
        tags: ['operations'],
        operationId: 'doctor',
        summary: 'Check the deployment',
        description: described(
          'Live and read-only: the settings, Table Storage, the email sender, every permission and the API registration, each check PASS, FAIL with its fix, or SKIP.',
          ['Audit.Read'],
        ),
        ...roleSecurity(['Audit.Read']),
        responses: {
          ...responses({ '200': { description: 'Every check passed.', content: report } }, []),
          '503': {
            description:
              'A check failed: the same report with `ok: false`; or a problem+json when the signing keys cannot be read.',
            content: { ...report, ...(PROBLEMS.unavailable[1].content as Json) },
          },
        },
      },
    },
  };
}

const GRANT_STATUS_SCHEMA = { enum: [...GRANT_STATUSES] };
const STRING = { type: 'string' };
const DATE_TIME = { type: 'string', format: 'date-time' };
const SEQ_HASH = {
  type: 'object',
  properties: { seq: { type: 'integer' }, hash: STRING },
  required: ['seq', 'hash'],
};

/** Response shapes (lib/domain.ts Grant, lib/api/problem.ts, the evidence and doctor reports). */
const SCHEMAS: Record<string, Json> = {
  Problem: {
    type: 'object',
    description: 'RFC 9457 problem details; `type` is `urn:mie-watchdog:problem:<name>`.',
    properties: {
      type: { type: 'string', pattern: '^urn:mie-watchdog:problem:' },
      title: STRING,
      status: { type: 'integer' },
      detail: STRING,
      instance: STRING,
      field: { type: 'string', description: 'The first offending field (input errors).' },
      errors: {
        type: 'array',
        items: { type: 'object', properties: { field: STRING, message: STRING }, required: ['field', 'message'] },
      },
    },
    required: ['type', 'title', 'status', 'detail'],
  },
  Grant: {
    type: 'object',
    description:
      'A grant as stored; an `active` one carries a `note` on Exchange propagation, and one with an open request (`pending`, or a pending extension) `lapsesAt`: when it lapses without a decision (`WATCHDOG_REQUEST_TTL`).',
    properties: {
      id: { type: 'string', format: 'uuid' },
      principal: { type: 'string', description: 'Lower-cased UPN of the grantee.' },
      principalId: STRING,
      principalName: STRING,
      role: STRING,
      status: GRANT_STATUS_SCHEMA,
      method: { enum: ['direct', 'role-group'] },
      roleGroup: STRING,
      requestedBy: STRING,
      requestedById: STRING,
      requestedByTenantId: STRING,
      requestedAt: DATE_TIME,
      justification: STRING,
      ticket: STRING,
      durationMs: { type: 'integer' },
      startsAt: DATE_TIME,
      approvedBy: STRING,
      approvedById: STRING,
      approvedAt: DATE_TIME,
      approveReason: STRING,
      deniedBy: STRING,
      deniedAt: DATE_TIME,
      denyReason: STRING,
      activatedAt: DATE_TIME,
      expiresAt: DATE_TIME,
      assignmentGuid: STRING,
      assignmentName: STRING,
      adopted: { type: 'boolean' },
      extension: {
        type: 'object',
        properties: {
          durationMs: { type: 'integer' },
          requestedBy: STRING,
          requestedById: STRING,
          requestedByTenantId: STRING,
          requestedAt: DATE_TIME,
          justification: STRING,
        },
        required: ['durationMs', 'requestedBy', 'requestedAt', 'justification'],
      },
      endedAt: DATE_TIME,
      endedBy: STRING,
      endReason: STRING,
      revocation: {
        type: 'object',
        properties: {
          attempts: { type: 'integer' },
          lastError: STRING,
          lastAttemptAt: DATE_TIME,
          verifiedAt: DATE_TIME,
          journalSeq: { type: 'integer' },
        },
        required: ['attempts'],
      },
      remindersSent: { type: 'array', items: STRING },
      reminderIntent: {
        type: 'object',
        properties: { offset: STRING, handled: { type: 'array', items: STRING }, journalSeq: { type: 'integer' } },
      },
      lapse: { type: 'object', properties: { journalSeq: { type: 'integer' }, requestedAt: DATE_TIME } },
      note: STRING,
      lapsesAt: DATE_TIME,
    },
    required: [
      'id',
      'principal',
      'role',
      'status',
      'method',
      'requestedBy',
      'requestedAt',
      'justification',
      'ticket',
      'durationMs',
    ],
  },
  Grantee: {
    type: 'object',
    properties: { upn: STRING, displayName: STRING },
    required: ['upn'],
  },
  GrantTimeline: {
    type: 'object',
    properties: {
      entries: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            seq: { type: 'integer' },
            at: { type: 'string', format: 'date-time' },
            type: STRING,
            actor: STRING,
            reason: STRING,
            hash: STRING,
          },
          required: ['seq', 'at', 'type', 'actor', 'hash'],
        },
      },
    },
    required: ['entries'],
  },
  GrantPage: {
    type: 'object',
    properties: {
      grants: { type: 'array', items: { $ref: '#/components/schemas/Grant' } },
      nextPageToken: STRING,
    },
    required: ['grants'],
  },
  ChainReport: {
    type: 'object',
    properties: {
      ok: { type: 'boolean' },
      entries: { type: 'integer' },
      last: SEQ_HASH,
      head: SEQ_HASH,
      problems: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            kind: STRING,
            seq: { type: 'integer' },
            rowKey: STRING,
            message: STRING,
            expected: STRING,
            actual: STRING,
          },
          required: ['kind', 'seq', 'rowKey', 'message'],
        },
      },
      moreProblems: { type: 'integer' },
    },
    required: ['ok', 'entries', 'problems', 'moreProblems'],
  },
  HoldersAt: {
    type: 'object',
    properties: {
      at: DATE_TIME,
      recorded: { type: 'boolean', description: 'False when `at` is before the first recorded holder event.' },
      historyStartsAt: DATE_TIME,
      holders: { type: 'array', items: { type: 'object' } },
      integrity: { $ref: '#/components/schemas/ChainReport' },
    },
    required: ['at', 'recorded', 'holders', 'integrity'],
  },
  DoctorReport: {
    type: 'object',
    properties: {
      ok: { type: 'boolean' },
      tenant: STRING,
      checks: {
        type: 'array',
        items: {
          type: 'object',
          properties: { name: STRING, status: { enum: ['pass', 'fail', 'skip'] }, detail: STRING, fix: STRING },
          required: ['name', 'status', 'detail'],
        },
      },
    },
    required: ['ok', 'tenant', 'checks'],
  },
};

export function openApiDocument(): Json {
  return {
    openapi: '3.1.0',
    info: {
      title: 'mie-watchdog HTTP API',
      version: (
        JSON.parse(readFileSync(resolve(import.meta.dirname, '..', 'package.json'), 'utf8')) as { version: string }
      ).version,
      description:
        'Time-boxed grants of the Exchange Online Mailbox Import Export role, evidence for auditors and the doctor. Every request carries a delegated Entra ID access token for the API (scope `access_as_user`); what a caller may do is the app role named on each operation (`x-app-roles`). Generated by `npm run docs:openapi` from the handlers and the valibot schemas; prose in docs/grant-api.md.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    tags: [
      { name: 'grants', description: 'The grant lifecycle (docs/grant-api.md).' },
      { name: 'evidence', description: 'Exports and verification for auditors (docs/evidence.md).' },
      { name: 'operations', description: 'Health of the deployment (docs/operations.md).' },
    ],
    security: [{ entraId: [] }],
    paths: { ...grantPaths(), ...evidencePaths(), ...doctorPath() },
    components: {
      securitySchemes: {
        entraId: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'An Entra ID v1.0 or v2.0 delegated access token (with `scp`) of the configured tenant for the API app registration (`WATCHDOG_AUTH_AUDIENCE`); ID tokens and app-only tokens are refused.',
        },
      },
      schemas: SCHEMAS,
    },
  };
}

/** The document as checked in: Prettier-formatted JSON, as `npm run format:check` expects it. */
export async function renderOpenApiDocument(): Promise<string> {
  const options = (await resolveConfig(OPENAPI_FILE)) ?? {};
  return format(JSON.stringify(openApiDocument()), { ...options, parser: 'json' });
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  writeFileSync(OPENAPI_FILE, await renderOpenApiDocument());
  console.log(`Wrote ${OPENAPI_FILE}.`);
}
