/**
 * The usage ledger through the real path: a grant made and ended through the grant API, the grantee and an unapproved
 * holder using the power in the emulator (which records who did it in its audit log), an export app's
 * MailItemsAccessed; the audit timer's run reads the audit log over HTTP into the ledger in Azurite, alerts by email
 * (the outbox path) and journals the uses outside every approved window; the ledger comes out of the CLI, the
 * evidence API and the report.
 */
import { randomUUID } from 'node:crypto';
import { HttpRequest, InvocationContext } from '@azure/functions';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runAudit } from '../../../lib/audit/runAudit.js';
import { formatAudit } from '../../../cli/audit.js';
import { createAuthenticator } from '../../../lib/auth/authenticator.js';
import { exportEvidence } from '../../../lib/evidence/exportEvidence.js';
import type { EvidenceDeps } from '../../../lib/evidence/evidenceDeps.js';
import type { RecordedUse } from '../../../lib/ports/index.js';
import { auditOptions } from '../../../lib/runtime.js';
import { createEvidenceHttpHandler } from '../../../lib/triggers/evidenceHttpHandler.js';
import { GRAPH_APP_ROLES, GRAPH_SP_ID, WATCHDOG_APP } from '../../../emulator/scenarios/baseTenant.js';
import {
  CONTOSO_MIGRATION_TOOL,
  SECURITY_TEAM,
  USERS as TENANT,
} from '../../../emulator/scenarios/forgottenMigrations.js';
import { upn } from '../../../testkit/fixtures.js';
import { warningLogger } from '../../../testkit/loggers.js';
import { runCli } from '../../support/cli.js';
import { control } from '../../support/emulatorHttp.js';
import { requestBody, startGrantApi, USERS, type GrantApi } from '../../support/grantApi.js';

const START = '2026-11-02T09:00:00Z';
const MINUTE = 60_000;
let api: GrantApi;

beforeEach(async () => {
  api = await startGrantApi({
    start: START,
    env: { WATCHDOG_USAGE_LEDGER: 'exchange', WATCHDOG_IDENTITY_CLIENT_ID: WATCHDOG_APP.appId },
  });
  api.emulator.state.appRoleAssignments.push({
    id: 'wdAuditLogsQuery',
    resourceId: GRAPH_SP_ID,
    appRoleId: GRAPH_APP_ROLES.auditLogsQueryExchangeReadAll.id,
    principalId: WATCHDOG_APP.id,
    createdDateTime: START,
  });
});
afterEach(() => api.stop());

const audit = (logger = api.runtime.logger) => runAudit({ ...api.runtime, logger }, auditOptions(api.runtime.config));
const act = (as: string, cmdlet: string, parameters: Record<string, unknown>) =>
  control(api.emulator, 'POST', '/act', { as, cmdlet, parameters });
const evidenceDeps = (): EvidenceDeps => ({
  journalRows: api.runtime.store.journalRows,
  grants: api.runtime.store.grants,
  usage: api.runtime.store.usage,
  anchors: api.runtime.anchors,
  clock: api.clock,
});
const usageEntries = async () => (await api.journal()).filter((e) => e.type === 'usage.outside-window');

async function text(body: AsyncIterable<string>): Promise<string> {
  let out = '';
  for await (const piece of body) out += piece;
  return out;
}

/** A grant for adelev, approved, used once, then released: its window is [activation, release]. */
async function grantUsedAndReleased(): Promise<string> {
  const created = await api.call('POST', '', { body: requestBody() });
  expect(created.status, created.text).toBe(201);
  const id = created.body.id as string;
  expect((await api.call('POST', `/${id}/approve`, { as: USERS.lidia })).status).toBe(200);
  api.clock.advance(10 * MINUTE);
  const used = await act(upn('adelev'), 'Get-RecoverableItems', {
    Identity: upn('meganb'),
    SourceFolder: 'PurgedItems',
  });
  expect(used.status, JSON.stringify(used.body)).toBe(200);
  api.clock.advance(10 * MINUTE);
  expect((await api.call('POST', `/${id}/release`, { as: USERS.adele, body: { reason: 'done' } })).status).toBe(200);
  // Removed from Exchange: the emulator no longer lets her run it.
  expect((await act(upn('adelev'), 'Get-RecoverableItems', { Identity: upn('meganb') })).status).toBe(403);
  return id;
}

describe('the usage ledger (WATCHDOG_USAGE_LEDGER)', () => {
  it('ties the grantee’s use to the grant, alerts and journals uses outside a window once, and exports them', async () => {
    const grantId = await grantUsedAndReleased();
    api.clock.advance(5 * MINUTE);
    const rogue = await act(TENANT.alexw.userPrincipalName, 'Restore-RecoverableItems', {
      Identity: upn('meganb'),
      FilterItemType: 'IPM.Note',
    });
    expect(rogue.status, JSON.stringify(rogue.body)).toBe(200);
    api.clock.advance(MINUTE);
    const appUse = await control(api.emulator, 'POST', '/audit-records', {
      operation: 'MailItemsAccessed',
      recordType: 'exchangeItemAggregated',
      userPrincipalName: CONTOSO_MIGRATION_TOOL.appId,
      auditData: { AppId: CONTOSO_MIGRATION_TOOL.appId, MailboxOwnerUPN: upn('meganb'), OperationCount: 40 },
    });
    expect(appUse.status, JSON.stringify(appUse.body)).toBe(201);

    // A search covers [from, to): the audit runs a minute later.
    api.clock.advance(MINUTE);
    const first = await audit();
    expect(first.usage).toMatchObject({ status: 'ok', recorded: 0, outside: 0 });
    api.clock.advance(15 * MINUTE);
    const second = await audit();
    expect(second.usage).toMatchObject({ status: 'ok', outside: 2 });

    const uses = await api.runtime.store.usage.list();
    const summary = (u: RecordedUse) => [u.operation, u.actor, u.window, u.grantId];
    expect(uses.map(summary)).toEqual([
      ['New-ManagementRoleAssignment', WATCHDOG_APP.appId.toLowerCase(), 'watchdog', undefined],
      ['Get-RecoverableItems', upn('adelev'), 'grant', grantId],
      ['Remove-ManagementRoleAssignment', WATCHDOG_APP.appId.toLowerCase(), 'watchdog', undefined],
      ['Restore-RecoverableItems', TENANT.alexw.userPrincipalName.toLowerCase(), 'outside', undefined],
      ['MailItemsAccessed', CONTOSO_MIGRATION_TOOL.appId.toLowerCase(), 'outside', undefined],
    ]);
    expect(second.usage?.recorded).toBe(uses.length);
    expect(second.emails.map((e) => [e.kind, e.status])).toContainEqual(['use-outside-window', 'sent']);
    expect(formatAudit(second, api.runtime.config.tenant)).toContain(
      `Usage ledger: ${uses.length} use(s) recorded, 2 outside an approved window; the audit log is read until `,
    );
    expect(uses[3]).toMatchObject({ target: upn('meganb'), capability: ['import', 'restore-deleted-items'] });
    expect(uses[4]).toMatchObject({ category: 'mail-access', target: upn('meganb'), capability: ['export', 'import'] });

    const alerts = api.emulator.sentEmails().filter((m) => m.subject.includes('outside an approved window'));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.to).toEqual([SECURITY_TEAM]);
    expect(alerts[0]?.text).toContain('[CRITICAL]');
    expect(alerts[0]?.text).toContain(TENANT.alexw.userPrincipalName.toLowerCase());
    expect(alerts[0]?.text).toContain('Restore-RecoverableItems');
    expect((await usageEntries()).map((e) => e.subject)).toEqual([
      TENANT.alexw.userPrincipalName.toLowerCase(),
      CONTOSO_MIGRATION_TOOL.appId.toLowerCase(),
    ]);
    const journal = await api.journal();
    expect(journal.filter((e) => e.type === 'alert.sent' && e.data.kind === 'use-outside-window')).toHaveLength(1);

    // The next search overlaps this one: the same records come back and nothing is recorded, sent or journaled twice.
    api.clock.advance(15 * MINUTE);
    const third = await audit();
    expect(third.usage).toMatchObject({ status: 'ok', recorded: 0, outside: 0 });
    expect(await api.runtime.store.usage.list()).toHaveLength(uses.length);
    expect(api.emulator.sentEmails().filter((m) => m.subject.includes('outside an approved window'))).toHaveLength(1);
    expect(await usageEntries()).toHaveLength(2);

    // The HTTP evidence API.
    const handler = createEvidenceHttpHandler({
      deps: evidenceDeps,
      authenticate: createAuthenticator(api.runtime.config.auth, api.clock),
    });
    const response = await handler(
      new HttpRequest({
        method: 'GET',
        url: 'http://localhost:7071/api/evidence/export?kind=usage&format=ndjson',
        headers: { authorization: `Bearer ${await api.issuer.token(USERS.auditor)}` },
      }),
      new InvocationContext({ invocationId: randomUUID(), functionName: 'auditExport', logHandler: () => undefined }),
    );
    expect(response.status).toBe(200);
    const lines = (await new Response(response.body as ReadableStream).text()).trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as RecordedUse).recordId)).toEqual(uses.map((u) => u.recordId));

    // The CLI, in its own process on the same pinned clock.
    const cli = await runCli(['export', '--kind', 'usage', '--format', 'csv', '--no-bom'], {
      ...api.runtime.env,
      WATCHDOG_LOCAL_CLOCK: api.clock.now().toISOString(),
    });
    expect(cli.code, cli.stderr).toBe(0);
    const rows = cli.stdout.trim().split(/\r?\n/);
    expect(rows[0]).toMatch(/^at,actor,operation,category,target,window,grantId,/);
    expect(rows.slice(1).filter((r) => r.includes(',outside,'))).toHaveLength(2);
    expect(rows.find((r) => r.includes('Get-RecoverableItems'))).toContain(`,grant,${grantId},`);

    // The report: the summary line, the detail section, the grant's own uses and each holder's capability.
    const report = await exportEvidence(evidenceDeps(), { kind: 'journal', format: 'html', period: {} });
    const html = await text(report.body);
    expect(html).toContain('uses outside approved windows: 2');
    expect(html).toContain('<h2>What the power was used for</h2>');
    expect(html).toMatch(new RegExp(`data-label="uses in its window">Get-RecoverableItems on ${upn('meganb')} at `));
    expect(html).toContain('<th>can</th>');
    expect(html).toContain('>import, restore-deleted-items</td>');
  });

  it('an unavailable audit log leaves the audit intact and says the ledger is stale', async () => {
    const logger = warningLogger();
    api.emulator.faults.add({
      route: 'graph:/security/auditLog/queries',
      fault: { kind: 'error', status: 503 },
      times: 100,
    });
    const result = await audit(logger);
    expect(result.holders.length).toBeGreaterThan(0);
    expect(result.opened.length).toBeGreaterThan(0);
    expect(result.emails.map((e) => e.kind)).toContain('drift');
    expect(result.usage).toMatchObject({ status: 'stale', recorded: 0, outside: 0 });
    expect(result.usage?.warning).toMatch(/could not start.*503/);
    expect(formatAudit(result, api.runtime.config.tenant)).toMatch(/^Usage ledger: STALE: .*could not start/m);
    expect(logger.warnings.map((w) => w.message)).toContainEqual(
      expect.stringMatching(/usage ledger could not start.*The audit itself is complete/),
    );
    expect((await api.runtime.store.snapshots.state()).version).toBe(1);
    expect(await api.runtime.store.usage.state()).toEqual({});

    // Once it answers again, the next run starts the search and the one after reads it.
    api.emulator.faults.clear();
    api.clock.advance(15 * MINUTE);
    expect((await audit(logger)).usage?.status).toBe('ok');
    expect((await api.runtime.store.usage.state()).pending).toBeDefined();
  });
});
