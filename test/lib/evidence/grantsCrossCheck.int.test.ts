/**
 * The grants table is not hash-chained: the grants export and the evidence report show each grant as the
 * journal recorded it and flag every difference of the table, so an edited justification or approver, a
 * deleted row, or a row the journal never saw cannot pass as verified history.
 */
import { HttpRequest, HttpResponse, InvocationContext } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { easyAuthAuthenticator } from '../../../lib/auth/easyAuthPrincipal.js';
import { exportCommand } from '../../../cli/export.js';
import { MIE_ROLE, type Grant } from '../../../lib/domain.js';
import { CSV_BOM } from '../../../lib/evidence/csv.js';
import type { EvidenceDeps } from '../../../lib/evidence/evidenceDeps.js';
import { createEvidenceHttpHandler } from '../../../lib/triggers/evidenceHttpHandler.js';
import { captureIo } from '../../../testkit/captureIo.js';
import { easyAuthPrincipal } from '../../../testkit/fixtures.js';
import { activeGrant, startRevokeRuntime } from '../../support/revokeRuntime.js';
import { runtimesPerTest } from '../../support/runtime.js';
import { csvObjects } from './support.js';

async function grantsCsv(deps: EvidenceDeps): Promise<Record<string, string>[]> {
  const io = captureIo();
  expect(await exportCommand(['--format', 'csv', '--kind', 'grants'], io, deps), io.stderr).toBe(0);
  return csvObjects(io.stdout.replace(CSV_BOM, ''));
}

async function report(deps: EvidenceDeps): Promise<{ chain: string; html: string }> {
  const handler = createEvidenceHttpHandler({ deps: () => deps, authenticate: easyAuthAuthenticator });
  const response = await handler(
    new HttpRequest({
      method: 'GET',
      url: 'http://localhost/api/evidence/report',
      headers: { 'x-ms-client-principal': easyAuthPrincipal(['Audit.Read']) },
    }),
    new InvocationContext({ functionName: 'auditExport' }),
  );
  const html = await new HttpResponse(response).text();
  if (response.status !== 200) throw new Error(`report: HTTP ${response.status} ${html}`);
  return { chain: String((response.headers as Record<string, string>)['x-watchdog-chain']), html };
}

describe('grants evidence cross-checked against the journal (emulator, Azurite)', () => {
  const runtimes = runtimesPerTest(startRevokeRuntime);

  it('shows the journal values and flags an edited justification and approver, a deleted row and a row the journal never saw', async () => {
    const rt = await runtimes.start();
    const kept = await activeGrant(rt, 'adelev');
    const edited = await activeGrant(rt, 'meganb', undefined, 'pattif');
    const deleted = await activeGrant(rt, 'alexw');
    const deps: EvidenceDeps = {
      journalRows: rt.store.journalRows,
      grants: rt.store.grants,
      usage: rt.store.usage,
      anchors: rt.anchors,
      clock: rt.clock,
    };

    const untouched = await grantsCsv(deps);
    expect(untouched.map((r) => [r.id, r.tableCheck])).toEqual(
      [kept, edited, deleted].map((g) => [g.id, 'matches the journal']),
    );

    // What someone with write access to the storage account could do, bypassing the watchdog.
    const table = await rt.store.tables.table('grants');
    const row = await table.getEntity<{ json: string }>('grant', edited.id);
    const forged: Grant = {
      ...(JSON.parse(row.json) as Grant),
      justification: 'Approved by the CISO',
      approvedBy: 'ciso@contoso.onmicrosoft.com',
    };
    await table.updateEntity({ partitionKey: 'grant', rowKey: edited.id, json: JSON.stringify(forged) }, 'Merge');
    await table.deleteEntity('grant', deleted.id);
    const planted: Grant = {
      ...kept,
      id: 'planted-1',
      principal: 'nestorw@contoso.onmicrosoft.com',
      role: MIE_ROLE,
    };
    await rt.store.grants.create(planted);

    const rows = new Map((await grantsCsv(deps)).map((r) => [r.id, r]));
    expect(rows.get(kept.id)?.tableCheck).toBe('matches the journal');
    expect(rows.get(edited.id)).toMatchObject({
      justification: edited.justification,
      approvedBy: 'lidiah@contoso.onmicrosoft.com',
    });
    expect(rows.get(edited.id)?.tableCheck).toBe(
      `DIFFERS: justification: the grants table has 'Approved by the CISO', the journal '${edited.justification}'; approvedBy: the grants table has 'ciso@contoso.onmicrosoft.com', the journal 'lidiah@contoso.onmicrosoft.com'`,
    );
    expect(rows.get(deleted.id)).toMatchObject({
      principal: 'alexw@contoso.onmicrosoft.com',
      tableCheck: 'DIFFERS: the grants table has no row for this grant: it was deleted outside the watchdog',
    });
    expect(rows.get('planted-1')?.tableCheck).toBe(
      'DIFFERS: the journal has no event of this grant: its row was written to the grants table outside the watchdog',
    );

    const { chain, html } = await report(deps);
    expect(chain).toBe('intact');
    expect(html).toContain('The grants table differs from the journal for 3 grant(s)');
    expect(html).not.toContain('Approved by the CISO</td>');
    expect(html).toContain('DIFFERS: justification: the grants table has &#39;Approved by the CISO&#39;');
    expect(html).toContain(`<td data-label="grant">${deleted.id}</td>`);
  });
});
