import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpRequest, InvocationContext } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportCommand } from '../../../cli/export.js';
import { verifyCommand } from '../../../cli/verify.js';
import { easyAuthAuthenticator } from '../../../lib/auth/easyAuthPrincipal.js';
import type { EvidenceDeps } from '../../../lib/evidence/evidenceDeps.js';
import { verifyHistory } from '../../../lib/evidence/verifyHistory.js';
import { hashedFields } from '../../../lib/hashChain.js';
import { anchorLine } from '../../../lib/journalAnchor.js';
import type { JournalEntry, JournalEntryInput, StoredAnchor } from '../../../lib/ports/index.js';
import { createJournal } from '../../../lib/tableStorage/journal.js';
import { createEvidenceHttpHandler } from '../../../lib/triggers/evidenceHttpHandler.js';
import { azuriteBlobClient } from '../../../testkit/anchors.js';
import { captureIo } from '../../../testkit/captureIo.js';
import { fixedGuid } from '../../../emulator/scenarios/baseTenant.js';
import { USERS } from '../../../emulator/scenarios/forgottenMigrations.js';
import { addMieAssignment, easyAuthPrincipal } from '../../../testkit/fixtures.js';
import { audit } from '../../support/runs.js';
import { startTestRuntime, type TestRuntime } from '../../support/runtime.js';
import { azuriteConnectionString, syntheticEntry, testAnchors, testTables, uniquePrefix } from '../../support/store.js';

let rt: TestRuntime;
let dir: string;
beforeAll(async () => {
  rt = await startTestRuntime({ start: '2026-11-04T08:00:00Z' });
  dir = mkdtempSync(join(tmpdir(), 'anchors-'));
});
afterAll(async () => {
  await rt.stop();
  rmSync(dir, { recursive: true, force: true });
});

const deps = (): EvidenceDeps => ({
  journalRows: rt.store.journalRows,
  grants: rt.store.grants,
  usage: rt.store.usage,
  anchors: rt.anchors,
  clock: rt.clock,
});

async function anchorsStored(): Promise<StoredAnchor[]> {
  const out: StoredAnchor[] = [];
  for await (const a of rt.anchors.read()) out.push(a);
  return out;
}

async function storedEntries(): Promise<JournalEntry[]> {
  const out: JournalEntry[] = [];
  for await (const row of rt.store.journalRows.rows()) if (row.entry) out.push(row.entry);
  return out;
}

async function exportTo(name: string, kind: 'journal' | 'anchors'): Promise<string> {
  const path = join(dir, name);
  const io = captureIo();
  expect(await exportCommand(['--format', 'ndjson', '--kind', kind, '--out', path], io, deps()), io.stderr).toBe(0);
  return path;
}

async function verifyOverHttp(): Promise<{ headers: Headers; body: Record<string, unknown> }> {
  const handler = createEvidenceHttpHandler({ deps, authenticate: easyAuthAuthenticator });
  const response = await handler(
    new HttpRequest({
      method: 'GET',
      url: 'http://localhost/api/evidence/verify',
      headers: { 'x-ms-client-principal': easyAuthPrincipal(['Audit.Read']) },
    }),
    new InvocationContext({ functionName: 'auditExport', logHandler: () => undefined }),
  );
  return {
    headers: new Headers(response.headers),
    body: JSON.parse(response.body as string) as Record<string, unknown>,
  };
}

/**
 * What someone able to write the tables can do: delete every journal row and the head, and write the history
 * again (its first `keep` entries) with one detail changed, every hash and link recomputed, so that the chain alone
 * verifies.
 */
async function rebuildChain(
  change: (input: JournalEntryInput, i: number) => JournalEntryInput,
  keep = Infinity,
): Promise<void> {
  const entries = (await storedEntries()).slice(0, keep);
  const table = await rt.store.tables.table('journal');
  for await (const e of table.listEntities({ queryOptions: { filter: "PartitionKey eq 'journal'" } }))
    await table.deleteEntity('journal', e.rowKey ?? '');
  const forger = createJournal(testTables(rt.tablePrefix), rt.clock);
  await forger.appendMany(
    entries.map((e, i) => {
      // What was appended: the hashed fields without the chain's own.
      const { seq: _seq, prevHash: _prevHash, ...appended } = hashedFields(e);
      return change(syntheticEntry(appended), i);
    }),
  );
}

describe('write-once anchors of the journal (Azurite tables and blobs, emulator)', () => {
  it('every run that writes the journal anchors its head; verify checks the chain against every anchor, from storage and offline', async () => {
    await audit(rt);
    rt.clock.advance(15 * 60_000);
    addMieAssignment(rt.emulator, {
      guid: fixedGuid(0xa7000000, 1),
      name: 'MIE-anchor-NestorW',
      assignee: USERS.nestorw.id,
    });
    await audit(rt);
    const anchors = await anchorsStored();
    const head = await rt.store.journalRows.head();
    expect(anchors.length).toBeGreaterThanOrEqual(2);
    expect(anchors.at(-1)?.anchor).toEqual({ seq: head?.seq, hash: head?.hash, at: rt.clock.now().toISOString() });

    const io = captureIo();
    expect(await verifyCommand([], io, deps()), io.stderr).toBe(0);
    expect(io.stdout).toContain(`Anchors: the chain reaches all ${anchors.length} anchor(s)`);

    const journalFile = await exportTo('journal.ndjson', 'journal');
    const anchorsFile = await exportTo('anchors.ndjson', 'anchors');
    expect(readFileSync(anchorsFile, 'utf8')).toBe(anchors.map((a) => anchorLine(a.anchor!)).join(''));
    const offline = captureIo();
    // No storage at all: the deps are never asked for.
    const noStorage = () => {
      throw new Error('offline verification must not open storage');
    };
    expect(
      await verifyCommand(['--file', journalFile, '--anchors', anchorsFile], offline, noStorage),
      offline.stderr,
    ).toBe(0);
    expect(offline.stdout).toContain(`Journal intact: ${head?.seq} entries`);

    const withoutAnchors = captureIo();
    expect(await verifyCommand(['--file', journalFile], withoutAnchors, noStorage)).toBe(1);
    expect(withoutAnchors.stderr).toContain('give --anchors FILE');
  });

  it('a chain rebuilt consistently in the tables verifies on its own, and verify catches it through the anchors', async () => {
    const before = await storedEntries();
    const anchorsFile = join(dir, 'anchors.ndjson');
    // The forger changes who made the first change; every later hash changes with it.
    await rebuildChain((input, i) => (i === 0 ? { ...input, actor: 'someone-else@contoso.onmicrosoft.com' } : input));
    expect(await verifyHistory(rt.store.journalRows)).toMatchObject({ ok: true, entries: before.length });

    const io = captureIo();
    expect(await verifyCommand([], io, deps())).toBe(1);
    expect(io.stderr).toContain(`Journal intact: ${before.length} entries`);
    expect(io.stderr).toContain('Anchors BROKEN');
    expect(io.stderr).toMatch(/\[hash\] the chain no longer reaches the anchor of .* seq \d+ has another hash/);

    const json = captureIo();
    expect(await verifyCommand(['--json'], json, deps())).toBe(1);
    const report = JSON.parse(json.stdout) as {
      ok: boolean;
      chainOk: boolean;
      anchors: { ok: boolean; problems: { kind: string }[] };
    };
    expect(report).toMatchObject({ ok: false, chainOk: true, anchors: { ok: false } });
    expect(report.anchors.problems.every((p) => p.kind === 'hash')).toBe(true);

    const http = await verifyOverHttp();
    expect(http.headers.get('x-watchdog-chain')).toBe('intact');
    expect(http.headers.get('x-watchdog-anchors')).toBe('broken');

    // Exported, the forged journal is handed over but flagged: export exits 1 because the anchors are not reached.
    const forged = join(dir, 'forged.ndjson');
    const exported = captureIo();
    expect(await exportCommand(['--format', 'ndjson', '--kind', 'journal', '--out', forged], exported, deps())).toBe(1);
    expect(exported.stderr).toContain('Anchors BROKEN');
    const offline = captureIo();
    expect(await verifyCommand(['--file', forged, '--anchors', anchorsFile], offline, deps)).toBe(1);
    expect(offline.stderr).toContain('Anchors BROKEN');
  });

  it('a journal cut back to an earlier head (rows and head deleted consistently) leaves anchors it no longer reaches', async () => {
    const before = await storedEntries();
    const keep = Math.max(1, before.length - 3);
    // Truncate: keep the first entries only, as a consistent shorter chain.
    await rebuildChain((input) => input, keep);
    const io = captureIo();
    expect(await verifyCommand(['--json'], io, deps())).toBe(1);
    const report = JSON.parse(io.stdout) as {
      chainOk: boolean;
      anchors: { problems: { kind: string; seq: number }[] };
    };
    expect(report.chainOk).toBe(true);
    expect(report.anchors.problems).toContainEqual(
      expect.objectContaining({ kind: 'not-reached', seq: before.length }),
    );
  });

  it('Append Block only at the position read: a stale position is refused (412), so a retried anchor is not written twice', async () => {
    const client = azuriteBlobClient(azuriteConnectionString());
    const blob = `${rt.tablePrefix}/journal-anchors-000001.ndjson`;
    const size = (await client.properties(blob))?.size ?? 0;
    expect(size).toBeGreaterThan(0);
    expect(await client.append(blob, '{"seq":1}\n', 0)).toBe('position-moved');
    expect((await client.properties(blob))?.size).toBe(size);
  });

  it('writers anchoring at once (two processes, and two appends of one) each land their line exactly once', async () => {
    const prefix = uniquePrefix();
    const [a, b] = [testAnchors(prefix), testAnchors(prefix)];
    const heads = Array.from({ length: 8 }, (_, i) => ({
      seq: i + 1,
      hash: String(i + 1).padStart(64, '0'),
      at: rt.clock.now().toISOString(),
    }));
    await Promise.all(heads.map((head, i) => (i % 2 ? a : b).record(head)));
    const seqs: number[] = [];
    for await (const stored of a.read()) seqs.push(stored.anchor?.seq ?? -1);
    expect(seqs.sort((x, y) => x - y)).toEqual(heads.map((h) => h.seq));
  });
});
