/**
 * The audit job end to end on the "forgotten-migrations" tenant: the emulator over real HTTP, Azurite
 * tables (counted), the real Exchange, Graph and ACS adapters.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FindingStore, JournalEntry } from '../../../lib/ports/index.js';
import { auditOptions } from '../../../lib/runtime.js';
import { AuditFailedError, runAudit, type AuditDeps, type AuditResult } from '../../../lib/audit/runAudit.js';
import { GLOBAL_ADMINISTRATOR_ROLE_ID, MIE_ROLE } from '../../../lib/domain.js';
import { createUsageLedger } from '../../../lib/tableStorage/usage.js';
import { createFindingStore } from '../../../lib/tableStorage/findings.js';
import { createGrantStore } from '../../../lib/tableStorage/grants.js';
import { createJournal } from '../../../lib/tableStorage/journal.js';
import { createSnapshotStore } from '../../../lib/tableStorage/snapshots.js';
import {
  DEFAULT_DELEGATING_ASSIGNMENT,
  fixedGuid,
  GRAPH_APP_ROLES,
  GRAPH_SP_ID,
  LINKED_GROUPS,
  WATCHDOG_APP,
} from '../../../emulator/scenarios/baseTenant.js';
import { largeTenant } from '../../../emulator/scenarios/largeTenant.js';
import {
  ASSIGNMENTS,
  BREAK_GLASS,
  ARCHIVE_EXPORTER,
  CONTOSO_BACKUP,
  CONTOSO_MIGRATION_TOOL,
  DEPARTED_CONTRACTOR_UPN,
  ELIGIBLE_ADMIN,
  EXPECTED_HOLDER_PRINCIPALS,
  expectedFindings,
  FINANCE_ADMINISTRATIVE_UNIT,
  GRANTOR,
  LEGACY_ARCHIVER,
  ROLE_GROUPS,
  SECURITY_TEAM,
  USERS,
} from '../../../emulator/scenarios/forgottenMigrations.js';
import { addMieAssignment, at, grant, HOUR, journalEntries } from '../../../testkit/fixtures.js';
import { warningLogger } from '../../../testkit/loggers.js';
import { countingTables, type CountingTables } from '../../../testkit/tables.js';
import { invoke } from '../../support/emulatorHttp.js';
import { testTables } from '../../support/store.js';
import { runtimesPerTest, type TestRuntime, type TestRuntimeOptions } from '../../support/runtime.js';
import { outcome } from '../../support/runs.js';

const runtimes = runtimesPerTest();

interface Harness {
  rt: TestRuntime;
  tables: CountingTables;
  deps: AuditDeps;
  audit(): Promise<AuditResult>;
  journal(): Promise<JournalEntry[]>;
}

/** The runtime on the emulator, with the audit's stores on a TableAccess that counts requests. */
async function harness(
  options: TestRuntimeOptions = {},
  wrapFindings?: (f: FindingStore) => FindingStore,
): Promise<Harness> {
  const runtime = await runtimes.start({
    ...options,
    env: { WATCHDOG_BREAK_GLASS: BREAK_GLASS.join(','), WATCHDOG_DIGEST_HOUR: '23', ...options.env },
  });
  const tables = countingTables(testTables(runtime.tablePrefix));
  const findings = createFindingStore(tables);
  const store = {
    grants: createGrantStore(tables),
    journal: createJournal(tables, runtime.clock),
    snapshots: createSnapshotStore(tables),
    findings: wrapFindings ? wrapFindings(findings) : findings,
    usage: createUsageLedger(tables),
  };
  const deps: AuditDeps = { ...runtime, store };
  return {
    rt: runtime,
    tables,
    deps,
    audit: () => runAudit(deps, auditOptions(runtime.config)),
    journal: () => journalEntries(runtime.store),
  };
}

const upn = (u: { userPrincipalName: string }) => u.userPrincipalName.toLowerCase();
const PST_GROUP = ROLE_GROUPS.pstMigrationOperators.name.toLowerCase();
const countBy = (items: string[]) =>
  items.reduce<Record<string, number>>((acc, k) => ({ ...acc, [k]: (acc[k] ?? 0) + 1 }), {});

/** A three-day grant of `principal`, two days into it at `now`. */
function grantAt(now: Date, id: string, principal: string, over: Parameters<typeof grant>[1]) {
  return grant(id, { principal, durationMs: 72 * HOUR, expiresAt: at(24 * HOUR, now).toISOString(), ...over });
}

describe('audit on forgotten-migrations', () => {
  it('finds every holder by every door, one finding per cause, a can-grant finding and break-glass use', async () => {
    const h = await harness();
    const result = await h.audit();

    expect(result.holders.map((x) => x.principal).sort()).toEqual(
      EXPECTED_HOLDER_PRINCIPALS.map((p) => p.toLowerCase()).sort(),
    );
    const by = new Map(result.holders.map((x) => [x.principal, x]));
    expect(by.get(upn(USERS.alexw))).toMatchObject({
      via: 'direct',
      assignmentGuid: ASSIGNMENTS.alexw.guid,
      enabled: true,
      scope: 'Organization',
      principalId: USERS.alexw.id,
    });
    expect(by.get(upn(USERS.diegos))).toMatchObject({ via: 'direct', enabled: false });
    expect(by.get(upn(USERS.lynner))).toMatchObject({
      via: 'role-group',
      viaName: ROLE_GROUPS.pstMigrationOperators.name,
      path: 'via role group PST Migration Operators',
    });
    expect(by.get(upn(USERS.gradya))?.via).toBe('role-group');
    expect(by.get(upn(USERS.johannal))).toMatchObject({
      via: 'security-group',
      path: 'via security group Legacy Migration Team',
    });
    expect(by.get(upn(USERS.isaiahl))).toMatchObject({
      via: 'security-group',
      assignmentGuid: ASSIGNMENTS.legacyMigrationTeam.guid,
    });
    expect(by.get(upn(USERS.nestorw))).toMatchObject({ via: 'direct', role: 'MIE Legal Hold Export' });
    expect(by.get(upn(USERS.admin))).toMatchObject({
      via: 'organization-management',
      path: 'via Organization Management (Global Administrator)',
    });
    expect(by.get(upn(USERS.pattif))?.path).toBe('via Organization Management (Exchange Administrator)');
    expect(by.get(LEGACY_ARCHIVER.appId)).toMatchObject({
      via: 'service-principal',
      principalType: 'ServicePrincipal',
      displayName: 'Legacy Archiver',
    });
    expect(by.get(CONTOSO_MIGRATION_TOOL.appId)).toMatchObject({
      via: 'graph-app-role',
      role: 'MailboxItem.ImportExport.All',
    });
    expect(result.holders.some((x) => x.assignmentGuid === DEFAULT_DELEGATING_ASSIGNMENT.guid)).toBe(false);
    expect(by.get(upn(USERS.alexw))?.capability).toEqual(['import', 'restore-deleted-items']);
    expect(by.get(upn(ELIGIBLE_ADMIN))).toMatchObject({
      via: 'organization-management',
      eligible: true,
      path: 'via Organization Management (eligible for Exchange Administrator)',
    });
    expect(by.get(upn(USERS.pattif))?.eligible).toBeUndefined();
    const exporter = result.holders.filter((x) => x.principal === ARCHIVE_EXPORTER.appId);
    expect(exporter.map((x) => [x.via, x.role, x.scope, x.capability, x.tenantWideAndScoped])).toEqual([
      ['application-role', 'Application MailboxItem.Export', 'CustomResourceScope:Legal Custodians', ['export'], true],
      ['graph-app-role', 'MailboxItem.Export.All', 'Organization', ['export'], true],
    ]);
    expect(by.get(CONTOSO_BACKUP.appId)).toMatchObject({
      via: 'application-role',
      scope: `AdministrativeUnit:${FINANCE_ADMINISTRATIVE_UNIT}`,
      capability: ['export', 'import'],
      path: `via Exchange application role Application MailboxItem.ImportExport (${ASSIGNMENTS.contosoBackup.name}, scope AdministrativeUnit:${FINANCE_ADMINISTRATIVE_UNIT})`,
    });
    expect(by.get(CONTOSO_BACKUP.appId)?.tenantWideAndScoped).toBeUndefined();
    // The alert says why the scope of the exporter's Exchange role is no limit; the scoped-only app has no such note.
    const unscopedNote = /through both a tenant-wide Graph permission and a scoped Exchange application role/;
    const summaries = (appId: string) =>
      result.findings.filter((f) => f.principal === appId).map((f) => unscopedNote.test(f.summary));
    expect(summaries(ARCHIVE_EXPORTER.appId)).toEqual([true, true]);
    expect(summaries(CONTOSO_BACKUP.appId)).toEqual([false]);

    expect(result.breakGlass.map((x) => x.principal)).toEqual([upn(USERS.breakglass1)]);
    expect(result.findings.map((f) => `${f.kind}:${f.principal}`).sort()).toEqual(expectedFindings(false));
    const orgManagement = result.findings.find((f) => f.assignmentGuid === ASSIGNMENTS.organizationManagement.guid);
    expect(orgManagement).toMatchObject({
      kind: 'unapproved',
      principal: 'organization management',
      holders: [upn(USERS.admin), upn(ELIGIBLE_ADMIN), upn(USERS.pattif)].sort(),
      holderCount: 3,
    });
    expect(orgManagement?.holderKey).toBeUndefined();
    expect(result.findings.find((f) => f.kind === 'can-grant')).toMatchObject({
      principal: GRANTOR.name.toLowerCase(),
      severity: 'critical',
      assignmentGuid: ASSIGNMENTS.grantor.guid,
      capability: ['grant'],
    });
    expect(result.findings.find((f) => f.principal === upn(USERS.alexw))).toMatchObject({
      holders: [upn(USERS.alexw)],
      holderKey: `${upn(USERS.alexw)}|${ASSIGNMENTS.alexw.guid}`,
    });
    expect(result.opened).toHaveLength(12);

    const mails = h.rt.emulator.sentEmails();
    expect(mails).toHaveLength(1);
    expect(mails[0]?.to).toEqual([SECURITY_TEAM]);
    expect(mails[0]?.subject).toBe(
      '[ACTION] Mailbox Import Export drift on contoso.onmicrosoft.com: 12 new, break-glass in use: 1',
    );
    expect(mails[0]?.html).toContain('Alex Wilber (alexw@contoso.onmicrosoft.com)');
    expect(mails[0]?.text).toContain('New findings (12)');
    expect(mails[0]?.text).toContain('3 holders: admin@contoso.onmicrosoft.com, kennethb@contoso.onmicrosoft.com');

    const types = countBy((await h.journal()).map((e) => e.type));
    expect(types).toEqual({ 'holder.added': 16, 'finding.opened': 12, 'breakglass.detected': 1, 'alert.sent': 1 });
  });

  it('keeps round trips near the minimum on the seed tenant', async () => {
    const h = await harness();
    await h.audit();
    const calls = h.rt.emulator.calls.all().filter((c) => !c.batch && c.api !== 'email');
    // Exchange, in $batch rounds: Get-ManagementRole beside the built-in role's and both application roles'
    // assignments; the child role's assignments beside the built-in role's assignee lookups (Get-User, Get-RoleGroup,
    // Get-Recipient, Get-ServicePrincipal); the role group members. The true minimum is 3.
    expect(calls.filter((c) => c.api === 'exchange').length).toBeLessThanOrEqual(3);
    // Graph: the Graph service principal, its appRoleAssignedTo, then the other reads' requests share $batch rounds
    // as the Exchange answers come (app-role principals, directory roles, transitive members, member principals).
    expect(calls.filter((c) => c.api === 'graph').length).toBeLessThanOrEqual(6);
  });

  it('costs no email, no journal entry and at most five table requests when nothing changed', async () => {
    const h = await harness();
    await h.audit();
    const journalBefore = (await h.journal()).length;
    h.rt.clock.advance(15 * 60_000);
    h.tables.reset();
    const second = await h.audit();
    expect(second.snapshotChanged).toBe(false);
    expect(second.opened).toEqual([]);
    expect(second.findings).toHaveLength(12);
    expect(second.emails).toEqual([]);
    expect(h.rt.emulator.sentEmails()).toHaveLength(1);
    expect((await h.journal()).length).toBe(journalBefore);
    expect(h.tables.total()).toBeLessThanOrEqual(5);
    const state = await h.deps.store.snapshots.state();
    expect(state.lastSuccessAt).toBe(h.rt.clock.now().toISOString());
    expect(state.version).toBe(1);
  });

  it('judges grants: approved -> no finding, expired -> expired-present, assignment gone -> missing', async () => {
    const h = await harness();
    const now = h.rt.clock.now();
    await h.rt.store.grants.create(
      grantAt(now, 'g-alex', upn(USERS.alexw), {
        assignmentGuid: ASSIGNMENTS.alexw.guid,
        assignmentName: ASSIGNMENTS.alexw.name,
      }),
    );
    await h.rt.store.grants.create(
      grantAt(now, 'g-nestor', upn(USERS.nestorw), {
        assignmentGuid: ASSIGNMENTS.nestorw.guid,
        expiresAt: at(-HOUR, now).toISOString(),
      }),
    );
    await h.rt.store.grants.create(
      grantAt(now, 'g-adele', upn(USERS.adelev), {
        assignmentGuid: '0a0a0a0a-0000-4000-8000-000000000001',
        assignmentName: `${MIE_ROLE}-AdeleV`,
      }),
    );
    const result = await h.audit();
    const kinds = result.findings.map((f) => `${f.kind}:${f.principal}`);
    expect(kinds.filter((k) => k.includes(upn(USERS.alexw)))).toEqual([]);
    expect(kinds).toContain(`expired-present:${upn(USERS.nestorw)}`);
    expect(kinds).toContain(`missing:${upn(USERS.adelev)}`);
    expect(kinds.filter((k) => k.startsWith('unapproved'))).toHaveLength(9);
    expect(result.findings).toHaveLength(12);
  });

  it('fails a run with a 503 on one page without touching the snapshot, and records the failure', async () => {
    const h = await harness({ pageSize: 2, http: { maxAttempts: 2 } });
    const first = await h.audit();
    const before = await h.deps.store.snapshots.state();
    const journalBefore = (await h.journal()).length;
    await h.rt.exchange.removeRoleAssignment(ASSIGNMENTS.alexw.guid);
    h.rt.clock.advance(15 * 60_000);
    h.rt.emulator.faults.add({
      route: 'exchange:Get-ManagementRoleAssignment',
      fault: { kind: 'error', status: 503 },
      calls: [2, 3, 4, 5, 6, 7, 8],
    });

    await expect(h.audit()).rejects.toBeInstanceOf(AuditFailedError);
    const after = await h.deps.store.snapshots.state();
    expect(after).toMatchObject({
      version: before.version,
      hash: before.hash,
      lastSuccessAt: before.lastSuccessAt,
      consecutiveFailures: 1,
    });
    expect(after.lastError).toMatch(/503/);
    expect((await h.deps.store.snapshots.load(after.version))?.holders).toHaveLength(first.holders.length);
    expect((await h.journal()).length).toBe(journalBefore);
    expect(h.rt.emulator.sentEmails()).toHaveLength(1);
    expect(await h.deps.store.findings.listOpen()).toHaveLength(12);

    h.rt.emulator.faults.clear();
    const recovered = await h.audit();
    expect(recovered.snapshotVersion).toBe(2);
    expect(recovered.resolved.map((f) => f.principal)).toEqual([upn(USERS.alexw)]);
    expect((await h.deps.store.snapshots.state()).consecutiveFailures).toBe(0);
  });

  it('stops rather than under-report when a role group holding the role has a member it cannot identify', async () => {
    const h = await harness();
    const group = 'View-Only Organization Management';
    const rg = h.rt.emulator.state.roleGroup(group);
    if (!rg) throw new Error(`the base tenant has no ${group}`);
    // A linked group (no UPN, no object id) outside Organization Management, whose people the Graph read does not cover.
    rg.linkedGroups[LINKED_GROUPS.tenantAdmins] = GLOBAL_ADMINISTRATOR_ROLE_ID;
    addMieAssignment(h.rt.emulator, {
      guid: fixedGuid(0xc0000000, 1),
      name: `Mailbox Import Export-${group}`,
      assigneeType: 'RoleGroup',
      assignee: group,
    });
    await expect(h.audit()).rejects.toThrow(/neither a UPN nor an Entra object id/);
    expect((await h.deps.store.snapshots.state()).version).toBe(0);
  });

  it('reports an assignee type it cannot expand as one holder that revocation leaves to a person', async () => {
    const h = await harness();
    addMieAssignment(h.rt.emulator, {
      guid: fixedGuid(0xc0000000, 2),
      name: 'Mailbox Import Export-TenantAdmins',
      assigneeType: 'LinkedRoleGroup',
      assignee: LINKED_GROUPS.tenantAdmins,
    });
    const result = await h.audit();
    expect(result.holders.find((x) => x.assignmentName === 'Mailbox Import Export-TenantAdmins')).toMatchObject({
      via: 'unexpanded-assignee',
    });
  });

  it('alerts once for a new role-group member (changed; the group stays one finding) and once when it is resolved', async () => {
    const h = await harness();
    await h.audit();
    await h.rt.exchange.addRoleGroupMember(ROLE_GROUPS.pstMigrationOperators.name, USERS.adelev.name);
    h.rt.clock.advance(15 * 60_000);
    const added = await h.audit();
    // The new members are one finding of the group's assignment, naming who joined.
    expect(added.opened.map((f) => `${f.kind}:${f.principal}`)).toEqual([
      `changed:${ROLE_GROUPS.pstMigrationOperators.name.toLowerCase()}`,
    ]);
    expect(added.opened[0]).toMatchObject({ holders: [upn(USERS.adelev)], holderCount: 1 });
    const group = added.findings.find(
      (f) => f.kind === 'unapproved' && f.assignmentGuid === ASSIGNMENTS.pstMigrationOperators.guid,
    );
    expect(group?.holders).toEqual([upn(USERS.adelev), upn(USERS.gradya), upn(USERS.lynner)]);
    expect(added.holderChanges).toEqual({ added: 1, removed: 0, changed: 0 });
    expect(h.rt.emulator.sentEmails()).toHaveLength(2);
    expect(h.rt.emulator.sentEmails()[1]?.subject).toContain('1 new');

    h.rt.clock.advance(15 * 60_000);
    expect((await h.audit()).emails).toEqual([]);

    await h.rt.exchange.removeRoleGroupMember(ROLE_GROUPS.pstMigrationOperators.name, USERS.adelev.name);
    h.rt.clock.advance(15 * 60_000);
    const removed = await h.audit();
    expect(removed.resolved.map((f) => f.kind)).toEqual(['changed']);
    expect(removed.resolved[0]).toMatchObject({ resolvedAt: h.rt.clock.now().toISOString() });
    expect(h.rt.emulator.sentEmails()).toHaveLength(3);
    expect(h.rt.emulator.sentEmails()[2]?.subject).toContain('1 resolved');
    const types = (await h.journal()).map((e) => e.type);
    expect(types.filter((t) => t === 'holder.removed')).toHaveLength(1);
    expect(types.filter((t) => t === 'finding.resolved')).toHaveLength(1);
  });

  it('does not send the alert twice when a run dies after sending it', async () => {
    let failApply = true;
    const h = await harness({}, (inner) => ({
      ...inner,
      apply: async (change, state) => {
        if (failApply) {
          failApply = false;
          throw new Error('storage went away');
        }
        return inner.apply(change, state);
      },
    }));
    await expect(h.audit()).rejects.toThrow(/storage went away/);
    expect(h.rt.emulator.sentEmails()).toHaveLength(1);
    const retried = await h.audit();
    // The dead run journaled the alert and the new findings: the retry stores the open set and journals nothing again.
    expect(retried.opened).toEqual([]);
    expect(retried.emails).toEqual([]);
    expect(h.rt.emulator.sentEmails()).toHaveLength(1);
    expect(await h.deps.store.findings.listOpen()).toHaveLength(12);
    const types = countBy((await h.journal()).map((e) => e.type));
    expect(types).toMatchObject({ 'alert.sent': 1, 'finding.opened': 12, 'breakglass.detected': 1 });
  });

  it('says what it stored and what it did not when the alert email fails after the snapshot was committed', async () => {
    const h = await harness();
    h.rt.emulator.faults.add({ route: 'email:*', fault: { kind: 'error', status: 503 }, times: 1_000 });
    const failed = await outcome(() => h.audit());
    if (failed.ok) throw new Error('the audit should fail at the email step');
    const message = (failed.error as Error).message;
    expect(failed.error).toBeInstanceOf(AuditFailedError);
    expect(message).toContain('Stored: the journal entries of 16 holder changes; snapshot version 1 (16 holders).');
    expect(message).toContain(
      'Not stored: the open findings (12 opened, 0 resolved); the drift alert email; the journal entries of 13 finding changes; the next run completes this.',
    );
    expect(message).not.toContain('stays current');
    const state = await h.deps.store.snapshots.state();
    expect(state).toMatchObject({ version: 1, consecutiveFailures: 1, lastError: message });

    h.rt.emulator.faults.clear();
    h.rt.clock.advance(15 * 60_000);
    const next = await h.audit();
    expect(next.opened).toHaveLength(12);
    expect(next.emails.map((e) => [e.kind, e.status])).toEqual([['drift', 'sent']]);
  });

  it('says nothing was stored when the holder read fails', async () => {
    const h = await harness({ http: { maxAttempts: 1 } });
    h.rt.emulator.faults.add({
      route: 'exchange:Get-ManagementRole',
      fault: { kind: 'error', status: 503 },
      times: 10,
    });
    await expect(h.audit()).rejects.toThrow(
      /^The audit of 2026-11-01T09:00:00.000Z failed\. Nothing was stored; no snapshot \(none was stored yet\) stays current\. Cause: .*503/,
    );
  });

  it('sends the daily digest once per UTC day from the configured hour', async () => {
    const h = await harness({ start: '2026-11-01T07:50:00Z', env: { WATCHDOG_DIGEST_HOUR: '8' } });
    expect((await h.audit()).emails.map((e) => e.kind)).toEqual(['drift']);
    h.rt.clock.set('2026-11-01T08:00:00Z');
    expect((await h.audit()).emails.map((e) => e.kind)).toEqual(['digest']);
    h.rt.clock.set('2026-11-01T08:15:00Z');
    expect((await h.audit()).emails).toEqual([]);
    h.rt.clock.set('2026-11-02T08:00:00Z');
    expect((await h.audit()).emails.map((e) => e.kind)).toEqual(['digest']);
    const digest = h.rt.emulator.sentEmails()[1];
    expect(digest?.subject).toBe('Mailbox Import Export daily digest for contoso.onmicrosoft.com: 12 open finding(s)');
    expect(h.rt.emulator.sentEmails()).toHaveLength(3);
  });

  it('tells the security team once when the audit keeps failing', async () => {
    const h = await harness({ http: { maxAttempts: 1 } });
    await h.audit();
    h.rt.emulator.faults.add({
      route: 'exchange:Get-ManagementRole',
      fault: { kind: 'error', status: 503 },
      times: 100,
    });
    for (let i = 0; i < 4; i++) {
      h.rt.clock.advance(15 * 60_000);
      await expect(h.audit()).rejects.toBeInstanceOf(AuditFailedError);
    }
    const mails = h.rt.emulator.sentEmails();
    expect(mails.map((m) => m.subject)).toEqual([
      expect.stringContaining('drift'),
      '[ACTION] mie-watchdog cannot audit contoso.onmicrosoft.com: 3 failed runs in a row',
    ]);
    expect(mails[1]?.text).toContain('Last complete audit: 2026-11-01 09:00 UTC (45 minutes ago)');
    expect((await h.deps.store.snapshots.state()).consecutiveFailures).toBe(4);
  });

  it('maps many Exchange names to UPNs with one paged Get-User listing', async () => {
    const h = await harness({
      scenario: largeTenant({
        directAssignments: 120,
        roleGroupMembers: 150,
        securityGroupMembers: 90,
        nestingDepth: 3,
        bystanders: 40,
      }),
      pageSize: 100,
    });
    const result = await h.audit();
    expect(result.holders).toHaveLength(360);
    expect(result.holders.every((x) => /^user\d+@northwind\.onmicrosoft\.com$/.test(x.principal))).toBe(true);
    const getUser = h.rt.emulator.calls.where({ api: 'exchange', name: 'Get-User' });
    expect(getUser.every((c) => c.parameters.Identity === undefined)).toBe(true);
    // The first assignment page already names more than 50 users: the listing starts beside the second page.
    const builtInPages = h.rt.emulator.calls
      .where({ api: 'exchange', name: 'Get-ManagementRoleAssignment' })
      .filter((c) => c.parameters.Role === MIE_ROLE);
    expect(builtInPages.length).toBeGreaterThan(1);
    expect(getUser[0]!.seq).toBeLessThan(builtInPages[builtInPages.length - 1]!.seq);
    // 120 + 150 + 90 users and the bystanders and the seed's own, 100 a page.
    expect(getUser.length).toBeLessThanOrEqual(5);
    expect(h.rt.emulator.calls.all().length).toBeLessThan(40);
    const types = countBy((await h.journal()).map((e) => e.type));
    expect(types['holder.added']).toBe(360);
    // By cause: one finding per direct assignment, one for the role group's 150 and one for the security group's 90.
    expect(types['finding.opened']).toBe(122);
  });
});

describe('who made the change (WATCHDOG_AUDIT_LOG_QUERY)', () => {
  // Six months after the 2023 migration changes: their audit records are still within the 180-day search.
  const start = '2023-09-01T09:00:00Z';
  const logger = warningLogger();
  const warnings = logger.warnings;
  const grantAuditLogQuery = (h: Harness) =>
    h.rt.emulator.state.appRoleAssignments.push({
      id: 'wdAuditLogsQuery',
      resourceId: GRAPH_SP_ID,
      appRoleId: GRAPH_APP_ROLES.auditLogsQueryExchangeReadAll.id,
      principalId: WATCHDOG_APP.id,
      createdDateTime: start,
    });
  /** A harness allowed to query the audit log whose tenant has been audited twice, 15 minutes apart. */
  async function auditedTwice(): Promise<Harness> {
    const h = await harness({ start, logger, env: { WATCHDOG_AUDIT_LOG_QUERY: 'true' } });
    grantAuditLogQuery(h);
    await h.audit();
    h.rt.clock.advance(15 * 60_000);
    await h.audit();
    return h;
  }
  const auditLogCalls = (h: Harness) =>
    h.rt.emulator.calls.all().filter((c) => c.api === 'graph' && c.name.startsWith('/security/auditLog/'));

  afterEach(() => {
    warnings.length = 0;
  });

  it('starts one query for new findings, then sends one email naming who made them and journals finding.attributed', async () => {
    const h = await harness({ start, logger, env: { WATCHDOG_AUDIT_LOG_QUERY: 'true' } });
    grantAuditLogQuery(h);

    const first = await h.audit();
    expect(first.opened.length).toBe(12);
    expect(first.emails.map((e) => e.kind)).toEqual(['drift']);
    expect(auditLogCalls(h).map((c) => `${c.method} ${c.name}`)).toEqual(['POST /security/auditLog/queries']);
    const pending = (await h.deps.store.snapshots.state()).attribution;
    expect(pending).toHaveLength(1);
    expect(pending?.[0]?.findings.map((f) => f.principal)).toContain(upn(USERS.alexw));
    // The Graph app-role holder is not an Exchange change: nothing to ask the Exchange audit log.
    expect(pending?.[0]?.findings.map((f) => f.principal)).not.toContain(CONTOSO_MIGRATION_TOOL.appId);

    h.rt.clock.advance(15 * 60_000);
    const second = await h.audit();
    expect(second.opened).toEqual([]);
    expect(second.emails.map((e) => [e.kind, e.status])).toEqual([['attribution', 'sent']]);
    const mails = h.rt.emulator.sentEmails();
    expect(mails).toHaveLength(2);
    const mail = mails[1]!;
    expect(mail.subject).toMatch(/^Who made the Mailbox Import Export changes/);
    expect(mail.to).toEqual([SECURITY_TEAM]);
    expect(mail.text).toMatch(
      new RegExp(
        `- ${upn(USERS.alexw)} \\| .* \\| ${USERS.admin.userPrincipalName} \\| 2023-03-14 09:12 UTC \\(\\d+ days ago\\) \\| New-ManagementRoleAssignment`,
      ),
    );
    expect(mail.text).toContain(`- ${PST_GROUP} | `);
    expect(mail.html).toContain(`>${DEPARTED_CONTRACTOR_UPN}</td>`);
    expect(auditLogCalls(h).map((c) => `${c.method} ${c.name}`)).toEqual([
      'POST /security/auditLog/queries',
      `GET /security/auditLog/queries/${pending?.[0]?.queryId}`,
      `GET /security/auditLog/queries/${pending?.[0]?.queryId}/records`,
    ]);

    const attributed = (await h.journal()).filter((e) => e.type === 'finding.attributed');
    const byPrincipal = new Map(
      attributed.map((e) => [first.opened.find((f) => f.id === e.subject)?.principal, e.data]),
    );
    expect(byPrincipal.get(upn(USERS.alexw))).toEqual({
      by: USERS.admin.userPrincipalName,
      at: '2023-03-14T09:12:43.000Z',
      operation: 'New-ManagementRoleAssignment',
    });
    expect(byPrincipal.get(upn(USERS.diegos))).toMatchObject({
      by: DEPARTED_CONTRACTOR_UPN,
      operation: 'New-ManagementRoleAssignment',
    });
    // The role group's finding is about its assignment: who created that, not who added each member.
    expect(byPrincipal.get(PST_GROUP)).toMatchObject({
      by: USERS.admin.userPrincipalName,
      operation: 'New-ManagementRoleAssignment',
    });
    expect([...byPrincipal.keys()].sort()).toEqual([upn(USERS.alexw), upn(USERS.diegos), PST_GROUP]);
    expect((await h.deps.store.snapshots.state()).attribution).toBeUndefined();

    // Nothing pending and nothing new: no Graph audit call, no email, the usual table requests.
    h.rt.clock.advance(15 * 60_000);
    h.tables.reset();
    const third = await h.audit();
    expect(third.emails).toEqual([]);
    expect(h.rt.emulator.sentEmails()).toHaveLength(2);
    expect(auditLogCalls(h)).toHaveLength(3);
    expect(h.tables.total()).toBeLessThanOrEqual(5);
    expect(warnings).toEqual([]);
  });

  it('attributes each member who joined a group to the Add-RoleGroupMember that added them, in one finding', async () => {
    const h = await auditedTwice();
    for (const u of [USERS.adelev, USERS.christiec])
      await h.rt.exchange.addRoleGroupMember(ROLE_GROUPS.pstMigrationOperators.name, u.name);
    h.rt.clock.advance(15 * 60_000);
    const joined = await h.audit();
    expect(joined.opened.map((f) => [f.kind, f.principal, f.holders])).toEqual([
      ['changed', PST_GROUP, [upn(USERS.adelev), upn(USERS.christiec)]],
    ]);
    h.rt.clock.advance(15 * 60_000);
    const attributedRun = await h.audit();
    expect(attributedRun.emails.map((e) => [e.kind, e.status])).toEqual([['attribution', 'sent']]);
    const cohort = joined.opened[0]?.id;
    const attributed = (await h.journal()).filter((e) => e.type === 'finding.attributed' && e.subject === cohort);
    expect(attributed.map((e) => e.data)).toEqual([
      expect.objectContaining({ by: WATCHDOG_APP.appId, operation: 'Add-RoleGroupMember' }),
      expect.objectContaining({ by: WATCHDOG_APP.appId, operation: 'Add-RoleGroupMember' }),
    ]);
    const mail = h.rt.emulator.sentEmails().at(-1);
    for (const u of [USERS.adelev, USERS.christiec])
      expect(mail?.text).toMatch(
        new RegExp(`- ${upn(u)} \\| .* \\| ${WATCHDOG_APP.appId} \\| .* \\| Add-RoleGroupMember`),
      );
    expect(warnings).toEqual([]);
  });

  it('attributes a scope change of a group assignment to who ran Set-ManagementRoleAssignment, not who created it', async () => {
    const h = await auditedTwice();
    const changedAt = h.rt.clock.now().toISOString();
    const set = await invoke(h.rt.emulator, 'Set-ManagementRoleAssignment', {
      Identity: ASSIGNMENTS.pstMigrationOperators.name,
      CustomRecipientWriteScope: 'Migration Custodians',
    });
    expect(set.status).toBe(200);
    h.rt.clock.advance(15 * 60_000);
    const scoped = await h.audit();
    expect(scoped.opened.map((f) => [f.kind, f.principal, f.id.split('|')[1]])).toEqual([
      ['changed', PST_GROUP, 'scope'],
    ]);
    const query = [...h.rt.emulator.state.auditLogQueries.values()].at(-1);
    expect(query?.operationFilters).toContain('Set-ManagementRoleAssignment');

    h.rt.clock.advance(15 * 60_000);
    const attributedRun = await h.audit();
    expect(attributedRun.emails.map((e) => [e.kind, e.status])).toEqual([['attribution', 'sent']]);
    const attributed = (await h.journal()).filter(
      (e) => e.type === 'finding.attributed' && e.subject === scoped.opened[0]?.id,
    );
    // The 2023 New-ManagementRoleAssignment by the admin is in the same window; the change is the Set record's.
    expect(attributed.map((e) => e.data)).toEqual([
      { by: WATCHDOG_APP.appId, at: changedAt, operation: 'Set-ManagementRoleAssignment' },
    ]);
    expect(h.rt.emulator.sentEmails().at(-1)?.text).toMatch(
      new RegExp(
        `- ${PST_GROUP} \\| .*scope changed.* \\| ${WATCHDOG_APP.appId} \\| .* \\| Set-ManagementRoleAssignment`,
      ),
    );
    expect(warnings).toEqual([]);
  });

  it('keeps a query pending while it runs: one status read per run', async () => {
    const h = await harness({ start, logger, env: { WATCHDOG_AUDIT_LOG_QUERY: 'true' } });
    grantAuditLogQuery(h);
    h.rt.emulator.state.auditLogQueryDelayMs = 60 * 60_000;
    await h.audit();
    h.rt.clock.advance(60_000);
    const second = await h.audit();
    expect(second.emails).toEqual([]);
    expect((await h.deps.store.snapshots.state()).attribution).toHaveLength(1);
    h.rt.clock.advance(60_000);
    const third = await h.audit();
    expect(third.emails.map((e) => e.kind)).toEqual(['attribution']);
    expect(auditLogCalls(h).filter((c) => c.method === 'GET' && !c.name.endsWith('/records'))).toHaveLength(2);
  });

  it('without AuditLogsQuery-Exchange.Read.All: the audit succeeds, a warning is logged, nothing is attributed', async () => {
    const h = await harness({ start, logger, env: { WATCHDOG_AUDIT_LOG_QUERY: 'true' } });
    const first = await h.audit();
    expect(first.opened.length).toBe(12);
    expect(first.emails.map((e) => e.kind)).toEqual(['drift']);
    expect(warnings.map((w) => w.message)).toEqual([expect.stringContaining('AuditLogsQuery-Exchange.Read.All')]);
    const state = await h.deps.store.snapshots.state();
    expect(state.version).toBe(1);
    expect(state.attribution).toBeUndefined();
    h.rt.clock.advance(15 * 60_000);
    const second = await h.audit();
    expect(second.emails).toEqual([]);
    expect((await h.journal()).some((e) => e.type === 'finding.attributed')).toBe(false);
    expect(auditLogCalls(h).map((c) => c.status)).toEqual([403]);
  });
});
