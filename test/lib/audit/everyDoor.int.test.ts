/**
 * Every door to mailbox content, read through the real Exchange, Graph and Security & Compliance clients against
 * the emulator over HTTP: Graph's mailbox export permissions, Exchange application roles with their resource scope,
 * PIM-eligible admins, Purview eDiscovery Export (behind the regional redirect), who can grant, and findings by
 * cause for a group of 3,000.
 */
import { describe, expect, it } from 'vitest';
import { auditOptions, openEvidence } from '../../../lib/runtime.js';
import { exportEvidence } from '../../../lib/evidence/exportEvidence.js';
import { AuditFailedError, runAudit } from '../../../lib/audit/runAudit.js';
import { PermissionError } from '../../../lib/ports/index.js';
import { largeTenant, LARGE_ROLE_GROUP } from '../../../emulator/scenarios/largeTenant.js';
import {
  ARCHIVE_EXPORTER,
  ASSIGNMENTS,
  BREAK_GLASS,
  EDISCOVERY_HOLDER_PRINCIPALS,
  EDISCOVERY_MANAGER,
  ELIGIBLE_ADMIN,
  EXPECTED_HOLDER_PRINCIPALS,
  GRANTOR,
  USERS,
} from '../../../emulator/scenarios/forgottenMigrations.js';
import { invoke } from '../../support/emulatorHttp.js';
import { runtimesPerTest, type TestRuntimeOptions } from '../../support/runtime.js';

const runtimes = runtimesPerTest();

async function audit(options: TestRuntimeOptions = {}) {
  const rt = await runtimes.start({
    ...options,
    env: { WATCHDOG_BREAK_GLASS: BREAK_GLASS.join(','), WATCHDOG_EDISCOVERY_AUDIT: 'true', ...options.env },
  });
  return { rt, result: await runAudit(rt, auditOptions(rt.config)) };
}

const upn = (u: { userPrincipalName: string }) => u.userPrincipalName.toLowerCase();

describe('every door on forgotten-migrations', () => {
  it('reports a holder from every source with its own path and capability', async () => {
    const { rt, result } = await audit();
    expect(result.holders.map((h) => h.principal).sort()).toEqual(
      [...EXPECTED_HOLDER_PRINCIPALS, ...EDISCOVERY_HOLDER_PRINCIPALS].map((p) => p.toLowerCase()).sort(),
    );
    const doors = new Map(result.holders.map((h) => [`${h.via}|${h.principal}`, h]));
    expect(doors.get(`ediscovery-role-group|${upn(EDISCOVERY_MANAGER)}`)).toMatchObject({
      role: 'Export',
      path: 'via Purview role group eDiscovery Manager (eDiscovery Export)',
      capability: ['export'],
      viaName: 'eDiscovery Manager',
    });
    expect(doors.get(`graph-app-role|${ARCHIVE_EXPORTER.appId}`)).toMatchObject({
      path: 'via Graph application permission MailboxItem.Export.All',
      capability: ['export'],
      tenantWideAndScoped: true,
    });
    expect(doors.get(`application-role|${ARCHIVE_EXPORTER.appId}`)).toMatchObject({
      path: `via Exchange application role Application MailboxItem.Export (${ASSIGNMENTS.archiveExporter.name}, scope CustomResourceScope:Legal Custodians)`,
      tenantWideAndScoped: true,
    });
    expect(doors.get(`organization-management|${upn(ELIGIBLE_ADMIN)}`)).toMatchObject({ eligible: true });
    // Who can grant is listed apart from the holders, and only the unexpected grantor is a finding.
    expect(result.holders.some((h) => h.principal === GRANTOR.name.toLowerCase())).toBe(false);
    expect(result.findings.filter((f) => f.kind === 'can-grant').map((f) => f.principal)).toEqual([
      GRANTOR.name.toLowerCase(),
    ]);
    expect(result.findings.find((f) => f.principal === 'ediscovery manager')).toMatchObject({
      kind: 'unapproved',
      holders: [upn(EDISCOVERY_MANAGER)],
      capability: ['export'],
    });

    // The global compliance endpoint redirected; every call after the first went straight to the region.
    const compliance = rt.emulator.calls.where({ api: 'compliance' });
    expect(compliance.map((c) => [c.name, c.status])).toEqual([
      ['Get-RoleGroup', 302],
      ['Get-RoleGroup', 200],
      ['Get-RoleGroupMember', 200],
    ]);
    const snapshot = await rt.store.snapshots.load(result.snapshotVersion);
    expect(snapshot?.canGrant?.map((g) => [g.principal, g.expected])).toEqual(
      expect.arrayContaining([
        [GRANTOR.name.toLowerCase(), false],
        ['organization management', true],
        ['mie watchdog', true],
      ]),
    );
  });

  it('raises a member finding when someone joins an eDiscovery role group whose unapproved finding is already open', async () => {
    const { rt } = await audit();
    const again = () => runAudit(rt, auditOptions(rt.config));
    rt.clock.advance(15 * 60_000);
    expect((await again()).opened).toEqual([]);
    // A Purview admin adds Megan to eDiscovery Manager (the emulator has no Security & Compliance write cmdlets).
    rt.emulator.state.purviewRoleGroups.get('ediscoverymanager')?.members.push(USERS.meganb.id);
    rt.clock.advance(15 * 60_000);
    const joined = await again();
    expect(joined.opened.map((f) => [f.kind, f.principal, f.holders])).toEqual([
      ['changed', 'ediscovery manager', [upn(USERS.meganb)]],
    ]);
    expect(joined.opened[0]?.summary).toContain('eDiscovery Manager');
  });

  it('fails the audit, storing nothing, when the Purview read fails', async () => {
    const rt = await runtimes.start({
      http: { maxAttempts: 1 },
      env: { WATCHDOG_EDISCOVERY_AUDIT: 'true' },
    });
    rt.emulator.faults.add({
      route: 'compliance:Get-RoleGroupMember',
      fault: { kind: 'error', status: 503 },
      times: 5,
    });
    await expect(runAudit(rt, auditOptions(rt.config))).rejects.toBeInstanceOf(AuditFailedError);
    expect((await rt.store.snapshots.state()).version).toBe(0);
  });

  it('names the Entra role to assign when the watchdog may not read Purview role groups', async () => {
    const rt = await runtimes.start({ env: { WATCHDOG_EDISCOVERY_AUDIT: 'true' } });
    const state = rt.emulator.state;
    state.directoryRoleAssignments.splice(
      state.directoryRoleAssignments.findIndex((d) => d.id === 'wdGlobalReader'),
      1,
    );
    const failed = await runAudit(rt, auditOptions(rt.config)).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(AuditFailedError);
    const cause = (failed as AuditFailedError).cause;
    expect(cause).toBeInstanceOf(PermissionError);
    expect((cause as Error).message).toMatch(/Security & Compliance Get-RoleGroup.*Global Reader/);
  });
});

describe('findings by cause', () => {
  it('gives one finding with 3,000 holders for one group assignment reaching 3,000 people', async () => {
    const { rt, result } = await audit({
      scenario: largeTenant({ directAssignments: 0, roleGroupMembers: 3000, securityGroupMembers: 0 }),
      env: { WATCHDOG_EDISCOVERY_AUDIT: 'false' },
    });
    const group = result.findings.filter((f) => f.principal === LARGE_ROLE_GROUP.toLowerCase());
    expect(group).toHaveLength(1);
    expect(group[0]).toMatchObject({ kind: 'unapproved', holderCount: 3000 });
    expect(group[0]?.holders).toHaveLength(3000);
    expect(result.holders.filter((h) => h.viaName === LARGE_ROLE_GROUP)).toHaveLength(3000);
    // The journal keeps the finding with the first holders that fit one entry, and the count.
    const journaled = [];
    for await (const e of rt.store.journal.read({})) if (e.type === 'finding.opened') journaled.push(e);
    const finding = journaled.find((e) => e.subject === group[0]?.id)?.data.finding as {
      holders: string[];
      holderCount: number;
    };
    expect(finding.holderCount).toBe(3000);
    expect(finding.holders.length).toBeGreaterThan(100);
    expect(finding.holders.length).toBeLessThan(3000);
  });

  it('makes a scope change of that assignment one changed finding with 3,000 holders, and new members one more', async () => {
    const { rt: runtime, result: first } = await audit({
      scenario: largeTenant({ directAssignments: 0, roleGroupMembers: 3000, securityGroupMembers: 0, bystanders: 40 }),
      env: { WATCHDOG_EDISCOVERY_AUDIT: 'false' },
    });
    const guid = first.holders.find((h) => h.viaName === LARGE_ROLE_GROUP)?.assignmentGuid as string;
    const again = () => runAudit(runtime, auditOptions(runtime.config));
    const sent = runtime.emulator.sentEmails().length;

    // An admin narrows the assignment to a management scope: every one of the 3,000 is reached by the change.
    const set = await invoke(runtime.emulator, 'Set-ManagementRoleAssignment', {
      Identity: guid,
      CustomRecipientWriteScope: 'Bulk Custodians',
    });
    expect(set.status).toBe(200);
    runtime.clock.advance(15 * 60_000);
    const scoped = await again();
    expect(scoped.opened.map((f) => [f.kind, f.principal, f.holderCount])).toEqual([
      ['changed', LARGE_ROLE_GROUP.toLowerCase(), 3000],
    ]);
    expect(scoped.opened[0]?.holders).toHaveLength(3000);
    expect(scoped.opened[0]?.summary).toContain(
      "scope changed from 'Organization' to 'CustomRecipientWriteScope:Bulk Custodians'",
    );
    const alert = runtime.emulator.sentEmails().slice(sent);
    expect(alert).toHaveLength(1);
    expect(alert[0]?.subject).toContain('1 new');
    // One line for the change: it names the first holders and counts the rest.
    expect(alert[0]?.text?.match(/Changed/g)).toHaveLength(1);
    expect(alert[0]?.text).toContain('3000 holders: user1000@northwind.onmicrosoft.com');
    expect(alert[0]?.text).toContain('and 2995 more');
    // The findings export counts the principals and names those the journal entry keeps.
    const evidence = openEvidence(runtime.config, { clock: runtime.clock, tablePrefix: runtime.tablePrefix });
    let csv = '';
    for await (const chunk of (await exportEvidence(evidence, { kind: 'findings', format: 'csv', period: {} })).body)
      csv += chunk;
    const header = csv.split('\r\n')[0]?.split(',') ?? [];
    const row = csv.split('\r\n').find((l) => l.includes(scoped.opened[0]?.id as string)) as string;
    expect(header).toEqual(expect.arrayContaining(['holderCount', 'holders']));
    expect(row).toContain(',3000,user1000@northwind.onmicrosoft.com user1001@northwind.onmicrosoft.com ');

    // 40 people join the group in one run: one finding naming them; the scope change stays open.
    for (let n = 3001; n <= 3040; n++) await runtime.exchange.addRoleGroupMember(LARGE_ROLE_GROUP, `User${n}`);
    runtime.clock.advance(15 * 60_000);
    const joined = await again();
    expect(joined.opened.map((f) => [f.kind, f.principal, f.holderCount])).toEqual([
      ['changed', LARGE_ROLE_GROUP.toLowerCase(), 40],
    ]);
    expect(joined.opened[0]?.holders).toHaveLength(40);
    expect(joined.resolved).toEqual([]);
    // The open scope change names everyone it reaches now, the joiners too.
    expect(
      joined.findings
        .filter((f) => f.kind === 'changed')
        .map((f) => f.holderCount)
        .sort(),
    ).toEqual([3040, 40]);
    expect(runtime.emulator.sentEmails().slice(sent)).toHaveLength(2);
  });
});
