/**
 * Grants in Table Storage. The whole grant is one JSON column; status, principal and expiresAt
 * are copied into columns so that lists can filter server-side. Updates carry the ETag of the version they
 * replace, which the store keeps beside each grant it returns (`etags`), so the domain type knows nothing of it.
 * A slot row per principal (same partition, written in the same transaction as the grant) names the
 * principal's latest grant, so two requests racing for one person cannot both create an open grant.
 */
import { createHash } from 'node:crypto';
import { odata } from '@azure/data-tables';
import type { Grant, GrantStatus } from '../domain.js';
import type { GrantStore } from '../ports/index.js';
import { ConflictError, OpenGrantExistsError } from '../ports/index.js';
import { getEntity, statusOf, tableCall, type TableAccess } from './tableAccess.js';

const PARTITION = 'grant';
/** Slot row keys sort after every grant id, so lists leave them out with one RowKey bound. */
const SLOT_PREFIX = '~slot~';
const SLOT_ATTEMPTS = 3;

type SlotEntity = { partitionKey: string; rowKey: string; grantId: string };

/** UPNs may hold characters a row key may not ('#' in guest UPNs): the key is a hash. */
function slotKey(principal: string): string {
  return `${SLOT_PREFIX}${createHash('sha256').update(principal.toLowerCase()).digest('hex')}`;
}

/**
 * The ETag of every grant object this module returned, for as long as the caller holds the object: an update
 * names the version it replaces by passing that object back.
 */
const etags = new WeakMap<Grant, string>();

/** `grant`, remembered as the version stored under `etag`. */
function versioned(grant: Grant, etag: string | undefined): Grant {
  if (etag) etags.set(grant, etag);
  return grant;
}

type GrantEntity = {
  partitionKey: string;
  rowKey: string;
  status: string;
  principal: string;
  expiresAt: string;
  json: string;
};

function toEntity(grant: Grant): GrantEntity {
  return {
    partitionKey: PARTITION,
    rowKey: grant.id,
    status: grant.status,
    principal: grant.principal,
    expiresAt: grant.expiresAt ?? '',
    json: JSON.stringify(grant),
  };
}

function fromEntity(entity: GrantEntity & { etag?: string }): Grant {
  return versioned(JSON.parse(entity.json) as Grant, entity.etag);
}

/** Largest page the store serves: one service request of at most 1,000 entities, with the look-ahead row. */
const MAX_PAGE = 999;

/** Server-side filter of grant rows; values go through the odata tag, which quotes and escapes them. */
function grantFilter(filter: { status?: GrantStatus[]; principal?: string }, after?: string): string {
  const clauses = [odata`PartitionKey eq ${PARTITION}`, odata`RowKey lt ${SLOT_PREFIX}`];
  if (after !== undefined) clauses.push(odata`RowKey gt ${after}`);
  if (filter.principal) clauses.push(odata`principal eq ${filter.principal.toLowerCase()}`);
  if (filter.status?.length)
    clauses.push(`(${filter.status.map((s: GrantStatus) => odata`status eq ${s}`).join(' or ')})`);
  return clauses.join(' and ');
}

// eslint-disable-next-line max-lines-per-function -- a factory: its length is the methods it returns, each a function of its own
export function createGrantStore(tables: TableAccess): GrantStore {
  const client = () => tables.table('grants');
  return {
    async create(grant) {
      const c = await client();
      const res = await tableCall(`Creating grant ${grant.id}`, () => c.createEntity(toEntity(grant)));
      return versioned({ ...grant }, res.etag);
    },
    async createExclusive(grant, isOpen) {
      const c = await client();
      const key = slotKey(grant.principal);
      for (let attempt = 1; attempt <= SLOT_ATTEMPTS; attempt++) {
        const slot = await getEntity<SlotEntity>(c, PARTITION, key);
        const holder = slot ? await getEntity<GrantEntity>(c, PARTITION, slot.grantId) : undefined;
        if (holder && isOpen(fromEntity(holder))) throw new OpenGrantExistsError(fromEntity(holder));
        const next: SlotEntity = { partitionKey: PARTITION, rowKey: key, grantId: grant.id };
        try {
          const res = await c.submitTransaction([
            ['create', toEntity(grant)],
            slot ? ['update', next, 'Replace', { etag: slot.etag }] : ['create', next],
          ]);
          return versioned({ ...grant }, res.getResponseForEntity(grant.id)?.etag);
        } catch (error) {
          const status = statusOf(error);
          // Another request took the slot (or the grant id exists): read again and decide.
          if (status !== 409 && status !== 412)
            return tableCall(`Creating grant ${grant.id}`, () => Promise.reject(error));
        }
      }
      throw new ConflictError(`Creating grant ${grant.id}: ${grant.principal}'s grants kept changing; retry.`);
    },
    async get(id) {
      const entity = await getEntity<GrantEntity>(await client(), PARTITION, id);
      return entity ? fromEntity(entity) : undefined;
    },
    async update(current, next) {
      const etag = etags.get(current);
      if (!etag) throw new Error(`Grant ${current.id} was not read from the store: read it before updating it.`);
      if (next.id !== current.id) throw new Error(`Grant ${current.id} cannot be replaced by grant ${next.id}.`);
      const c = await client();
      const res = await tableCall(`Updating grant ${next.id}`, () =>
        c.updateEntity(toEntity(next), 'Replace', { etag }),
      );
      return versioned({ ...next }, res.etag);
    },
    async list(filter = {}) {
      const c = await client();
      const out: Grant[] = [];
      await tableCall('Listing grants', async () => {
        for await (const e of c.listEntities<GrantEntity>({ queryOptions: { filter: grantFilter(filter) } }))
          out.push(fromEntity(e));
      });
      return out.sort((a, b) => a.requestedAt.localeCompare(b.requestedAt) || a.id.localeCompare(b.id));
    },
    async page(filter, { limit, after }) {
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE)
        throw new Error(`A page of grants holds 1 to ${MAX_PAGE}, not ${limit}.`);
      const c = await client();
      const rows: Grant[] = [];
      // One more than asked tells whether anything follows. Keyset paging on the row key (the grant id): a
      // service page may stop short of $top (5 s or a partition boundary) and the SDK then follows its own
      // continuation, and a page cut here is resumed exactly after the last grant returned.
      await tableCall('Listing grants', async () => {
        const pages = c
          .listEntities<GrantEntity>({ queryOptions: { filter: grantFilter(filter, after) } })
          .byPage({ maxPageSize: limit + 1 });
        for await (const page of pages) {
          for (const e of page) rows.push(fromEntity(e));
          if (rows.length > limit) break;
        }
      });
      return { grants: rows.slice(0, limit), more: rows.length > limit };
    },
  };
}
