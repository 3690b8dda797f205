/**
 * Auditor export of a large journal: 100,000 entries exported as CSV and as JSON from Azurite into
 * a sink that discards, sampling RSS and heap while it runs. The export streams, so peak memory must
 * stay flat as the journal grows. Rows are seeded in the journal's stored row format in batches
 * (appending them one by one is slower still; Azurite still takes minutes for 100,000); the export's own
 * verification proves they chain.
 *
 *   node --expose-gc bin/run-ts.js bench/exportMemory.ts [rows]
 */
import { Writable } from 'node:stream';
import type { TransactionAction } from '@azure/data-tables';
import { ManualClock } from '../lib/clock.js';
import type { EvidenceDeps } from '../lib/evidence/evidenceDeps.js';
import type { ExportFormat } from '../lib/evidence/evidenceTable.js';
import { exportEvidence } from '../lib/evidence/exportEvidence.js';
import { chainHash, GENESIS_HASH, entryRowKey, hashedFields } from '../lib/hashChain.js';
import { startAzurite } from '../cli/local/azurite.js';
import { azuriteAnchors } from '../testkit/anchors.js';
import { openStore } from '../lib/tableStorage/openStore.js';
import type { TableAccess } from '../lib/tableStorage/tableAccess.js';

const ROWS = Number(process.argv[2] ?? 100_000);
const BATCH = 100;
const MB = 1024 * 1024;

const gc = (globalThis as { gc?: () => void }).gc;

async function seed(tables: TableAccess, rows: number): Promise<void> {
  const table = await tables.table('journal');
  let prevHash = GENESIS_HASH;
  const start = Date.parse('2025-01-01T00:00:00Z');
  for (let first = 1; first <= rows; first += BATCH) {
    const actions: TransactionAction[] = [];
    for (let seq = first; seq < first + BATCH && seq <= rows; seq++) {
      // About one entry every five minutes: 100,000 entries span a year.
      const base = {
        seq,
        at: new Date(start + seq * 315_000).toISOString(),
        type: seq % 3 === 0 ? 'holder.changed' : 'grant.approved',
        actor: 'lidiah@contoso.onmicrosoft.com',
        subject: `g-${seq}`,
        reason: `Approved for the =legal hold export, ticket CHG-${seq}, "quoted", with a comma`,
        data: {
          grant: {
            id: `g-${seq}`,
            principal: 'adelev@contoso.onmicrosoft.com',
            justification: 'PST export for legal hold',
            durationMs: 86_400_000,
          },
        },
        prevHash,
      };
      const hash = chainHash(prevHash, hashedFields(base));
      actions.push([
        'create',
        { partitionKey: 'journal', rowKey: entryRowKey(seq), ...base, data: JSON.stringify(base.data), hash },
      ]);
      prevHash = hash;
    }
    await table.submitTransaction(actions);
  }
  await table.upsertEntity({ partitionKey: 'journal', rowKey: 'head', seq: rows, hash: prevHash }, 'Replace');
}

interface Measure {
  format: ExportFormat;
  rows: number;
  bytes: number;
  seconds: number;
  rssBaseMb: number;
  rssPeakMb: number;
  heapBaseMb: number;
  heapPeakMb: number;
}

async function measure(deps: EvidenceDeps, format: ExportFormat): Promise<Measure> {
  gc?.();
  const base = process.memoryUsage();
  let rssPeak = base.rss;
  let heapPeak = base.heapUsed;
  const sample = setInterval(() => {
    const m = process.memoryUsage();
    rssPeak = Math.max(rssPeak, m.rss);
    heapPeak = Math.max(heapPeak, m.heapUsed);
  }, 20);
  let bytes = 0;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done();
    },
  });
  const started = performance.now();
  const prepared = await exportEvidence(deps, { kind: 'journal', format, period: {} });
  for await (const chunk of prepared.body) {
    if (!sink.write(chunk)) await new Promise((resolve) => sink.once('drain', resolve));
  }
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sample);
  if (!prepared.integrity.ok)
    throw new Error(`The seeded journal does not verify: ${JSON.stringify(prepared.integrity.problems[0])}`);
  return {
    format,
    rows: prepared.integrity.entries,
    bytes,
    seconds,
    rssBaseMb: base.rss / MB,
    rssPeakMb: rssPeak / MB,
    heapBaseMb: base.heapUsed / MB,
    heapPeakMb: heapPeak / MB,
  };
}

const azurite = await startAzurite();
try {
  const clock = new ManualClock('2026-01-01T00:00:00Z');
  const store = openStore({ connectionString: azurite.connectionString, prefix: 'bench' }, clock);
  const seeding = performance.now();
  await seed(store.tables, ROWS);
  console.log(
    `seeded ${ROWS} journal rows in ${((performance.now() - seeding) / 1000).toFixed(1)} s${gc ? '' : ' (run with --expose-gc for steadier heap numbers)'}`,
  );
  const deps: EvidenceDeps = {
    journalRows: store.journalRows,
    grants: store.grants,
    usage: store.usage,
    anchors: azuriteAnchors(azurite.connectionString, 'bench'),
    clock,
  };
  for (const format of ['csv', 'json'] as const) {
    const m = await measure(deps, format);
    // Each export reads the journal twice: once to verify the chain, once to write it.
    console.log(
      `${m.format.padEnd(4)} ${m.rows} rows, ${(m.bytes / MB).toFixed(1)} MB in ${m.seconds.toFixed(1)} s = ${Math.round(m.rows / m.seconds)} rows/s (verify + export); ` +
        `RSS ${m.rssBaseMb.toFixed(0)} -> peak ${m.rssPeakMb.toFixed(0)} MB (+${(m.rssPeakMb - m.rssBaseMb).toFixed(0)}), ` +
        `heap ${m.heapBaseMb.toFixed(0)} -> peak ${m.heapPeakMb.toFixed(0)} MB (+${(m.heapPeakMb - m.heapBaseMb).toFixed(0)})`,
    );
  }
} finally {
  await azurite.stop();
}
