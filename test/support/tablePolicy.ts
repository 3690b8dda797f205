/** A TableAccess whose clients each get one request policy (once per client), to count or fail requests. */
import type { TableClient } from '@azure/data-tables';
import type { TableAccess } from '../../lib/store/tables.js';

type PipelinePolicy = Parameters<TableClient['pipeline']['addPolicy']>[0];

export function withRequestPolicy(inner: TableAccess, policyFor: (table: string) => PipelinePolicy): TableAccess {
  const instrumented = new WeakSet<TableClient>();
  return {
    async table(name) {
      const client = await inner.table(name);
      if (!instrumented.has(client)) {
        instrumented.add(client);
        client.pipeline.addPolicy(policyFor(name));
      }
      return client;
    },
  };
}
