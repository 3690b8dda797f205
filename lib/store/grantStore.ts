/**
 * Grants in Table Storage. The whole grant is one JSON column; status, principal and expiresAt
 * are copied into columns so that lists can filter server-side. Updates carry the ETag.
 */
import { odata } from '@azure/data-tables';
import type { Grant, GrantStatus } from '../domain.js';
import type { GrantStore } from '../ports.js';
import { getEntity, tableCall, type TableAccess } from './tables.js';

const PARTITION = 'grant';

interface GrantEntity {
  partitionKey: string;
  rowKey: string;
  status: string;
  principal: string;
  expiresAt: string;
  json: string;
}

function toEntity(grant: Grant): GrantEntity {
  const { etag: _etag, ...data } = grant;
  return {
    partitionKey: PARTITION,
    rowKey: grant.id,
    status: grant.status,
    principal: grant.principal,
    expiresAt: grant.expiresAt ?? '',
    json: JSON.stringify(data),
  };
}

function fromEntity(entity: GrantEntity & { etag?: string }): Grant {
  return { ...(JSON.parse(entity.json) as Grant), etag: entity.etag };
}

export function createGrantStore(tables: TableAccess): GrantStore {
  const client = () => tables.table('grants');
  return {
    async create(grant) {
      const c = await client();
      const res = await tableCall(`Creating grant ${grant.id}`, () => c.createEntity(toEntity(grant)));
      return { ...grant, etag: res.etag };
    },
    async get(id) {
      const entity = await getEntity<GrantEntity>(await client(), PARTITION, id);
      return entity ? fromEntity(entity) : undefined;
    },
    async update(grant) {
      if (!grant.etag) throw new Error(`Grant ${grant.id} has no ETag: read it before updating it.`);
      const c = await client();
      const res = await tableCall(`Updating grant ${grant.id}`, () => c.updateEntity(toEntity(grant), 'Replace', { etag: grant.etag }));
      return { ...grant, etag: res.etag };
    },
    async list(filter = {}) {
      const c = await client();
      const clauses = [odata`PartitionKey eq ${PARTITION}`];
      if (filter.principal) clauses.push(odata`principal eq ${filter.principal.toLowerCase()}`);
      if (filter.status?.length) clauses.push(`(${filter.status.map((s: GrantStatus) => odata`status eq ${s}`).join(' or ')})`);
      const out: Grant[] = [];
      await tableCall('Listing grants', async () => {
        for await (const e of c.listEntities<GrantEntity>({ queryOptions: { filter: clauses.join(' and ') } })) out.push(fromEntity(e));
      });
      return out.sort((a, b) => a.requestedAt.localeCompare(b.requestedAt) || a.id.localeCompare(b.id));
    },
  };
}
