/**
 * An untampered journal verifies after every kind of run, whatever layout its last row has: a single
 * entry, a packed batch, a batch of one, a batch whose last row holds one large entry, and a batch cut
 * short by a crash between its transactions. Checked the three ways an auditor checks: `mie-watchdog
 * verify`, `mie-watchdog export`, and the evidence API's X-Watchdog-Chain header.
 */
import { HttpRequest, InvocationContext } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { easyAuthAuthenticator } from '../../../lib/auth/easyAuthPrincipal.js';
import { exportCommand } from '../../../cli/export.js';
import { verifyCommand } from '../../../cli/verify.js';
import { ManualClock } from '../../../lib/clock.js';
import type { EvidenceDeps } from '../../../lib/evidence/evidenceDeps.js';
import { createEvidenceHttpHandler } from '../../../lib/triggers/evidenceHttpHandler.js';
import type { Clock, AnchorLog } from '../../../lib/ports/index.js';
import { storeOn, type OpenedStore } from '../../../lib/tableStorage/openStore.js';
import { fixedGuid } from '../../../emulator/scenarios/baseTenant.js';
import { USERS } from '../../../emulator/scenarios/forgottenMigrations.js';
import { requestGrant } from '../../../lib/grants/requestGrant.js';
import { audit } from '../../support/runs.js';
import { captureIo } from '../../../testkit/captureIo.js';
import { addMieAssignment, easyAuthPrincipal, requester, upn } from '../../../testkit/fixtures.js';
import { crashingTables } from '../../../testkit/tables.js';
import { startRevokeRuntime } from '../../support/revokeRuntime.js';
import { runtimesPerTest } from '../../support/runtime.js';
import { openTestStore, syntheticEntry, testAnchors, testTables, uniquePrefix } from '../../support/store.js';

/** The last stored row: a packed row has `entries`, a single entry has `data`. */
async function lastRow(store: OpenedStore): Promise<{ rowKey: string; packed: number }> {
  let last: { rowKey: string; packed: number } | undefined;
  const table = await store.tables.table('journal');
  for await (const e of table.listEntities<{ entries?: string }>({
    queryOptions: { filter: "PartitionKey eq 'journal' and RowKey lt 'f'" },
  })) {
    last = { rowKey: e.rowKey ?? '', packed: e.entries ? (JSON.parse(e.entries) as unknown[]).length : 0 };
  }
  if (!last) throw new Error('the journal is empty');
  return last;
}

/** Verify, export and the evidence API all call the journal intact, through the head seq. */
async function expectIntact(store: OpenedStore, clock: Clock, anchors: AnchorLog = testAnchors()): Promise<void> {
  const deps: EvidenceDeps = {
    journalRows: store.journalRows,
    grants: store.grants,
    usage: store.usage,
    anchors,
    clock,
  };
  const head = await store.journalRows.head();
  const verify = captureIo();
  expect(await verifyCommand([], verify, deps), verify.stderr).toBe(0);
  expect(verify.stdout).toContain(`Journal intact: ${head?.seq ?? 0} entries, seq 1 to ${head?.seq}`);
  const exported = captureIo();
  expect(await exportCommand(['--format', 'json'], exported, deps), exported.stderr).toBe(0);

  const handler = createEvidenceHttpHandler({ deps: () => deps, authenticate: easyAuthAuthenticator });
  const context = new InvocationContext({ functionName: 'auditExport' });
  for (const path of ['verify', 'export?kind=journal&format=ndjson', 'report']) {
    const response = await handler(
      new HttpRequest({
        method: 'GET',
        url: `http://localhost/api/evidence/${path}`,
        headers: { 'x-ms-client-principal': easyAuthPrincipal(['Audit.Read']) },
      }),
      context,
    );
    expect(response.status, path).toBe(200);
    expect(response.headers, path).toMatchObject({
      'x-watchdog-chain': 'intact',
      'x-watchdog-chain-head': `${head?.seq}:${head?.hash}`,
    });
  }
}

describe('verify after every kind of run (emulator, Azurite)', () => {
  const runtimes = runtimesPerTest(startRevokeRuntime);

  it('a first audit before the digest hour (packed row last), a grant request (single entry last), an audit with one new finding (batch of one last)', async () => {
    const rt = await runtimes.start({ env: { WATCHDOG_DIGEST_HOUR: '23' } });
    const first = await audit(rt);
    expect(first.opened.length).toBeGreaterThan(1);
    expect((await lastRow(rt.store)).packed).toBeGreaterThan(1);
    await expectIntact(rt.store, rt.clock, rt.anchors);

    await requestGrant(rt, requester('meganb'), {
      principal: upn('adelev'),
      durationMs: 4 * 3_600_000,
      justification: 'PST export for case 7',
      ticket: 'CHG-7',
    });
    expect((await lastRow(rt.store)).packed).toBe(0);
    await expectIntact(rt.store, rt.clock, rt.anchors);

    addMieAssignment(rt.emulator, {
      guid: fixedGuid(0xb9000000, 1),
      name: 'MIE-late-NestorW',
      assignee: USERS.nestorw.id,
    });
    rt.clock.advance(15 * 60_000);
    const third = await audit(rt);
    expect(third.opened).toHaveLength(1);
    expect((await lastRow(rt.store)).packed).toBe(0);
    await expectIntact(rt.store, rt.clock, rt.anchors);
  });
});

describe('verify after journal batches of every layout (Azurite)', () => {
  const clock = new ManualClock('2026-03-01T08:00:00Z');
  const entry = (i: number, chars = 400) =>
    syntheticEntry({
      type: 'holder.added',
      actor: 'watchdog',
      subject: `h-${i}`,
      data: { i, pad: 'x'.repeat(chars) },
    });

  it('a batch whose last row holds one large entry', async () => {
    const store = openTestStore(clock);
    await store.journal.appendMany([...Array.from({ length: 30 }, (_, i) => entry(i)), entry(30, 27_000)]);
    expect((await lastRow(store)).packed).toBe(0);
    await expectIntact(store, clock);
  });

  it('a batch of several transactions cut short by a crash, and the next append after it', async () => {
    const prefix = uniquePrefix();
    const tables = crashingTables(testTables(prefix), 2);
    const dying = storeOn(tables, clock);
    // About 2.7 MB of entries: more than one transaction, so the crash falls between two of them.
    await expect(dying.journal.appendMany(Array.from({ length: 2_600 }, (_, i) => entry(i)))).rejects.toThrow(
      'simulated crash',
    );
    const store = openTestStore(clock, prefix);
    const head = await store.journalRows.head();
    expect(head?.seq).toBeGreaterThan(1);
    expect(head?.seq).toBeLessThan(2_600);
    expect((await lastRow(store)).packed).toBeGreaterThan(1);
    await expectIntact(store, clock);

    await store.journal.appendMany([entry(1), entry(2)]);
    await expectIntact(store, clock);
  });
});
