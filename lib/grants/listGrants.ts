/**
 * Grants the caller may see: all for approvers and auditors, their own for requesters and grantees.
 * Lists come in pages (listGrantsPage): status and principal are filtered by Table Storage, visibility here.
 */
import type { Caller } from '../caller.js';
import type { Grant, GrantStatus } from '../domain.js';
import type { GrantDeps } from './grantDeps.js';
import { canView } from './policy/grantAccess.js';

export interface ListGrantsFilter {
  status?: GrantStatus[];
  principal?: string;
}

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 500;
/** Store pages one list call reads at most while a requester's own grants are sparse; the token then resumes. */
const MAX_SCANS = 5;
const TOKEN_PREFIX = 'g1:';
const GRANT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A page token that was not handed out by this API (or was altered): the list is not read. */
export class InvalidPageTokenError extends Error {
  constructor() {
    super(
      'pageToken is not a token this API returned; start again without pageToken and pass nextPageToken from the previous page unchanged.',
    );
    this.name = 'InvalidPageTokenError';
  }
}

/** The token names the last grant id read, base64url-wrapped: opaque to callers, checked on the way back. */
export function encodePageToken(lastId: string): string {
  return Buffer.from(`${TOKEN_PREFIX}${lastId}`, 'utf8').toString('base64url');
}

export function decodePageToken(token: string): string {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(token)) throw new InvalidPageTokenError();
  const text = Buffer.from(token, 'base64url').toString('utf8');
  const id = text.startsWith(TOKEN_PREFIX) ? text.slice(TOKEN_PREFIX.length) : '';
  if (!GRANT_ID.test(id) || encodePageToken(id) !== token) throw new InvalidPageTokenError();
  return id.toLowerCase();
}

export interface GrantPage {
  grants: Grant[];
  /** Present when more grants may follow: pass it back as pageToken. */
  nextPageToken?: string;
}

/** One page, in grant id order. A page may hold fewer than `limit` grants and still have a next one. */
export async function listGrantsPage(
  deps: Pick<GrantDeps, 'store'>,
  caller: Caller,
  filter: ListGrantsFilter,
  page: { limit?: number; pageToken?: string } = {},
): Promise<GrantPage> {
  const limit = page.limit ?? DEFAULT_PAGE_SIZE;
  let after = page.pageToken === undefined ? undefined : decodePageToken(page.pageToken);
  const storeFilter = { status: filter.status, principal: filter.principal?.toLowerCase() };
  const grants: Grant[] = [];
  for (let scan = 1; ; scan++) {
    const read = await deps.store.grants.page(storeFilter, { limit: limit - grants.length, after });
    grants.push(...read.grants.filter((g) => canView(g, caller)));
    const last = read.grants.at(-1);
    if (!read.more || !last) return { grants };
    after = last.id;
    if (grants.length >= limit || scan >= MAX_SCANS) return { grants, nextPageToken: encodePageToken(after) };
  }
}

/** Every matching grant (the CLI), page by page, oldest request first. */
export async function listGrants(
  deps: Pick<GrantDeps, 'store'>,
  caller: Caller,
  filter: ListGrantsFilter = {},
): Promise<Grant[]> {
  const out: Grant[] = [];
  let pageToken: string | undefined;
  do {
    const page = await listGrantsPage(deps, caller, filter, { limit: MAX_PAGE_SIZE, pageToken });
    out.push(...page.grants);
    pageToken = page.nextPageToken;
  } while (pageToken);
  return out.sort((a, b) => a.requestedAt.localeCompare(b.requestedAt) || a.id.localeCompare(b.id));
}
