/**
 * The auditor API over HTTP. Every route needs the app role Audit.Read; the caller is identified by
 * lib/auth (401 without a usable identity, 403 without the role) before anything is read.
 *
 *   GET /api/evidence/export?kind=journal|grants|findings|holders&format=csv|json|ndjson|html[&from&to][&bom=false]
 *   GET /api/evidence/report[?from&to]       the HTML evidence report
 *   GET /api/evidence/holders?at=ISO         who held the role at that instant (JSON)
 *   GET /api/evidence/verify                 the hash chain checked end to end and against every anchor (JSON)
 *
 * Exports stream: the body is produced while it is sent. The chain's state is in the headers
 * X-Watchdog-Chain (intact | broken), X-Watchdog-Chain-Head (seq:hash of the last entry) and X-Watchdog-Anchors
 * (reached | broken | none | unavailable).
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { ProblemError } from '../api/problem.js';
import type { Authenticator } from '../auth/authenticator.js';
import { requireRole, SigningKeysUnavailableError } from '../caller.js';
import type { ChainReport } from '../evidence/chainVerifier.js';
import { verifyAnchored, type AnchoredReport } from '../evidence/verifyAnchored.js';
import type { EvidenceDeps } from '../evidence/evidenceDeps.js';
import {
  EXPORT_FORMATS,
  EXPORT_KINDS,
  type ExportFormat,
  type ExportKind,
  type Period,
} from '../evidence/evidenceTable.js';
import { exportEvidence, type PreparedExport } from '../evidence/exportEvidence.js';
import { holdersAtTime } from '../evidence/holdersAtTime.js';
import { parseInstant } from '../instant.js';
import { failureResponse, readOnlyProblem } from './httpFailure.js';

export type EvidenceHttpHandler = (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>;

function badField(field: string, message: string): ProblemError {
  return new ProblemError(400, 'invalid-field', 'Invalid request', message, { errors: [{ field, message }] });
}

function oneOf<T extends string>(query: URLSearchParams, field: string, allowed: readonly T[], fallback?: T): T {
  const value = query.get(field) ?? fallback;
  if (value === undefined) throw badField(field, `'${field}' is required: one of ${allowed.join(', ')}.`);
  if (!(allowed as readonly string[]).includes(value))
    throw badField(field, `'${field}' is '${value}'; use one of ${allowed.join(', ')}.`);
  return value as T;
}

function instant(query: URLSearchParams, field: string, required = false): string | undefined {
  const text = query.get(field);
  if (text === null) {
    if (required)
      throw badField(
        field,
        `'${field}' is required: an ISO 8601 date-time with a zone, for example 2026-03-01T12:00:00Z.`,
      );
    return undefined;
  }
  const value = parseInstant(text);
  if (!value)
    throw badField(
      field,
      `'${field}' is '${text}'; use an ISO 8601 date or date-time with a zone, for example 2026-03-01T12:00:00Z.`,
    );
  return value;
}

function period(query: URLSearchParams): Period {
  const from = instant(query, 'from');
  const to = instant(query, 'to');
  if (from && to && from >= to) throw badField('to', `'to' (${to}) must be after 'from' (${from}).`);
  return { from, to };
}

function chainHeaders(report: ChainReport | AnchoredReport): Record<string, string> {
  const chainOk = 'chainOk' in report ? report.chainOk : report.ok;
  const headers: Record<string, string> = { 'x-watchdog-chain': chainOk ? 'intact' : 'broken' };
  if (report.last) headers['x-watchdog-chain-head'] = `${report.last.seq}:${report.last.hash}`;
  if ('anchors' in report) {
    const a = report.anchors;
    headers['x-watchdog-anchors'] = a.unavailable
      ? 'unavailable'
      : a.anchors === 0
        ? 'none'
        : a.ok
          ? 'reached'
          : 'broken';
  }
  return headers;
}

async function* utf8(chunks: AsyncIterable<string>): AsyncGenerator<Uint8Array> {
  for await (const chunk of chunks) yield Buffer.from(chunk, 'utf8');
}

function streamed(prepared: PreparedExport): HttpResponseInit {
  return {
    status: 200,
    headers: {
      'content-type': prepared.contentType,
      'content-disposition': `attachment; filename="${prepared.fileName}"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      ...chainHeaders(prepared.integrity),
    },
    body: utf8(prepared.body),
  };
}

function json(body: unknown, headers: Record<string, string> = {}): HttpResponseInit {
  return {
    status: 200,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

type Action = (query: URLSearchParams, deps: EvidenceDeps) => Promise<HttpResponseInit>;

const ACTIONS: Record<string, Action> = {
  async export(query, deps) {
    const format = oneOf<ExportFormat>(query, 'format', EXPORT_FORMATS, 'csv');
    const kind = oneOf<ExportKind>(query, 'kind', EXPORT_KINDS, 'journal');
    const bom = oneOf(query, 'bom', ['true', 'false'] as const, 'true') === 'true';
    return streamed(await exportEvidence(deps, { kind, format, period: period(query), bom }));
  },
  async report(query, deps) {
    return streamed(await exportEvidence(deps, { kind: 'journal', format: 'html', period: period(query) }));
  },
  async holders(query, deps) {
    const answer = await holdersAtTime(deps, instant(query, 'at', true) ?? '');
    return json(answer, chainHeaders(answer.integrity));
  },
  async verify(_query, deps) {
    const report = await verifyAnchored(deps.journalRows, deps.anchors);
    return json(report, chainHeaders(report));
  },
};

/** The routes under /api/evidence/ (docs/openapi.json is built from this list). */
export const EVIDENCE_ROUTES: readonly string[] = Object.keys(ACTIONS);

export function createEvidenceHttpHandler(options: {
  deps: () => EvidenceDeps;
  authenticate: Authenticator;
}): EvidenceHttpHandler {
  return async (request, context) => {
    const url = new URL(request.url);
    try {
      const segments = url.pathname.split('/').filter(Boolean);
      const name = segments[segments.indexOf('evidence') + 1] ?? '';
      const action = Object.hasOwn(ACTIONS, name) ? ACTIONS[name] : undefined;
      if (!action || segments.indexOf('evidence') < 0) {
        throw new ProblemError(
          404,
          'not-found',
          'No such evidence route',
          `Use /api/evidence/${Object.keys(ACTIONS).join(', /api/evidence/')}.`,
        );
      }
      if (request.method.toUpperCase() !== 'GET') {
        throw readOnlyProblem('The evidence API');
      }
      const caller = await options.authenticate(request.headers);
      requireRole(caller, 'Audit.Read');
      context.log(`Evidence ${name} requested by ${caller.upn}.`);
      return await action(url.searchParams, options.deps());
    } catch (error) {
      return failureResponse(error, request, context, {
        api: 'Evidence API',
        internal: 'The evidence could not be produced',
        logAlso: (e) => e instanceof SigningKeysUnavailableError,
      });
    }
  };
}
