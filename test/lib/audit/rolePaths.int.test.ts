/**
 * How apps and role groups reach the role, read through the real Exchange and Graph clients against the emulator:
 * apps named by their Exchange service-principal pointers, role groups inside role groups (three deep, with a
 * cycle), and Organization Management's linked groups with and without an object id.
 */
import { describe, expect, it } from 'vitest';
import { auditOptions } from '../../../lib/runtime.js';
import { runAudit, type AuditResult } from '../../../lib/audit/runAudit.js';
import { MIE_ROLE, ORGANIZATION_MANAGEMENT, type Holder } from '../../../lib/domain.js';
import { DIRECTORY_ROLE_OBJECT_IDS, fixedGuid } from '../../../emulator/scenarios/baseTenant.js';
import type { SeedRoleAssignment } from '../../../emulator/seed.js';
import {
  LEGACY_ARCHIVER,
  ROLE_GROUPS,
  USERS,
  forgottenMigrations,
} from '../../../emulator/scenarios/forgottenMigrations.js';
import { minimumAuditRoundTrips } from '../../../bench/minimumRoundTrips.js';
import { addMieAssignment } from '../../../testkit/fixtures.js';
import { warningLogger } from '../../../testkit/loggers.js';
import { runtimesPerTest, type TestRuntime, type TestRuntimeOptions } from '../../support/runtime.js';

const runtimes = runtimesPerTest();

const logger = warningLogger();
const warnings = logger.warnings;

async function start(options: TestRuntimeOptions = {}): Promise<TestRuntime> {
  warnings.length = 0;
  return runtimes.start({ logger, ...options });
}

const audit = (r: TestRuntime): Promise<AuditResult> => runAudit(r, auditOptions(r.config));
const upn = (u: { userPrincipalName: string }) => u.userPrincipalName.toLowerCase();
/** API round trips of the run (a $batch counts once), within 1.2x of what the tenant's shape needs at least. */
function expectNearMinimum(r: TestRuntime): void {
  const trips = r.emulator.calls.all().filter((c) => !c.batch && c.api !== 'email').length;
  const minimum = minimumAuditRoundTrips(r.emulator.state);
  expect(trips, `${trips} round trips, minimum ${minimum}`).toBeLessThanOrEqual(Math.floor(1.2 * minimum));
}
const holdersOf = (result: AuditResult, principal: string): Holder[] =>
  result.holders.filter((h) => h.principal === principal);

/** An app registered in Exchange under a pointer named in the "<name>_SP" style. */
const ARCHIVE_BOT = {
  id: fixedGuid(0x5e0000, 40),
  appId: fixedGuid(0xa9900000, 40),
  displayName: 'Archive Bot',
} as const;
const ARCHIVE_BOT_POINTER = 'Archive Bot_SP';
const ARCHIVE_BOT_ASSIGNMENT = { guid: fixedGuid(0xc1000000, 1), name: `${MIE_ROLE}-${ARCHIVE_BOT_POINTER}` };
/** Archive Bot's service principal with its Exchange pointer, for a seed. */
const archiveBot = () => ({
  ...ARCHIVE_BOT,
  exchange: { exchangeGuid: fixedGuid(0xe0000000, 40), displayName: ARCHIVE_BOT_POINTER },
});
/** Archive Bot's direct assignment of the role, for a seed. */
const archiveBotAssignment = (): SeedRoleAssignment => ({
  ...ARCHIVE_BOT_ASSIGNMENT,
  role: MIE_ROLE,
  assigneeType: 'ServicePrincipal',
  assignee: ARCHIVE_BOT.id,
  delegationType: 'Regular',
  enabled: true,
  whenCreatedUtc: '2024-05-01T10:00:00.000Z',
});

describe('apps named by their Exchange service-principal pointer', () => {
  it('become holders with their appId and object id, assigned directly or as a role group member', async () => {
    const seed = forgottenMigrations();
    seed.servicePrincipals.push(archiveBot());
    seed.roleAssignments.push(archiveBotAssignment());
    seed.roleGroups.find((g) => g.name === ROLE_GROUPS.pstMigrationOperators.name)?.members.push(ARCHIVE_BOT.id);
    const r = await start({ scenario: seed });
    const result = await audit(r);

    const bot = holdersOf(result, ARCHIVE_BOT.appId);
    expect(bot.map((h) => [h.via, h.assignmentGuid]).sort()).toEqual(
      [
        ['role-group', fixedGuid(0xa5500000, 1003)],
        ['service-principal', ARCHIVE_BOT_ASSIGNMENT.guid],
      ].sort(),
    );
    for (const h of bot)
      expect(h).toMatchObject({
        principalId: ARCHIVE_BOT.id,
        principalType: 'ServicePrincipal',
        displayName: ARCHIVE_BOT_POINTER,
      });
    expect(holdersOf(result, LEGACY_ARCHIVER.appId)).toEqual([
      expect.objectContaining({ via: 'service-principal', principalId: LEGACY_ARCHIVER.id }),
    ]);
    // One pointer listing serves every app; no Graph lookup is needed for them.
    expect(r.emulator.calls.count({ api: 'exchange', name: 'Get-ServicePrincipal' })).toBe(1);
    expectNearMinimum(r);
  });

  it('lets WATCHDOG_BREAK_GLASS name an app by its object id, reached through its pointer', async () => {
    const seed = forgottenMigrations();
    seed.servicePrincipals.push(archiveBot());
    seed.roleAssignments.push(archiveBotAssignment());
    const result = await audit(await start({ scenario: seed, env: { WATCHDOG_BREAK_GLASS: ARCHIVE_BOT.id } }));
    expect(result.breakGlass.map((h) => h.principal)).toEqual([ARCHIVE_BOT.appId]);
    expect(result.findings.map((f) => f.principal)).not.toContain(ARCHIVE_BOT.appId);
  });

  it('reports an assignee two pointers answer to under its Exchange name, for a person, with a warning', async () => {
    const seed = forgottenMigrations();
    const twin = { id: fixedGuid(0x5e0000, 41), appId: fixedGuid(0xa9900000, 41), displayName: 'Archive Bot (old)' };
    seed.servicePrincipals.push(archiveBot(), {
      ...twin,
      exchange: { exchangeGuid: fixedGuid(0xe0000000, 41), displayName: ARCHIVE_BOT_POINTER },
    });
    seed.roleAssignments.push(archiveBotAssignment());
    const result = await audit(await start({ scenario: seed }));
    expect(result.holders.find((h) => h.assignmentGuid === ARCHIVE_BOT_ASSIGNMENT.guid)).toMatchObject({
      principal: ARCHIVE_BOT_POINTER.toLowerCase(),
      principalType: 'ServicePrincipal',
    });
    expect(warnings.map((w) => w.message)).toContainEqual(
      expect.stringMatching(/More than one Exchange service principal/),
    );
  });
});

describe('role groups inside role groups', () => {
  it('expands three levels, says how in the path, reads each group once and ends a cycle', async () => {
    const r = await start();
    const state = r.emulator.state;
    const tier3 = state.addRoleGroup({
      name: 'Tier 3 Operators',
      guid: fixedGuid(0xa0200000, 31),
      members: [USERS.adelev.id],
    });
    const tier2 = state.addRoleGroup({
      name: 'Tier 2 Operators',
      guid: fixedGuid(0xa0200000, 32),
      members: [tier3.guid, USERS.meganb.id],
    });
    const tier1 = state.addRoleGroup({
      name: 'Tier 1 Operators',
      guid: fixedGuid(0xa0200000, 33),
      members: [tier2.guid],
    });
    state.addRoleGroupMember(tier3, tier1.guid);
    const guid = fixedGuid(0xc1000000, 2);
    addMieAssignment(r.emulator, {
      guid,
      name: `${MIE_ROLE}-${tier1.name}`,
      assigneeType: 'RoleGroup',
      assignee: tier1.name,
    });

    const result = await audit(r);
    expect(holdersOf(result, upn(USERS.adelev))).toEqual([
      expect.objectContaining({
        via: 'role-group',
        viaName: tier3.name,
        assignmentGuid: guid,
        path: 'via role group Tier 1 Operators > role group Tier 2 Operators > role group Tier 3 Operators',
      }),
    ]);
    expect(holdersOf(result, upn(USERS.meganb))).toEqual([
      expect.objectContaining({
        viaName: tier2.name,
        path: 'via role group Tier 1 Operators > role group Tier 2 Operators',
      }),
    ]);
    expect(state.canExport(USERS.adelev.userPrincipalName)).toBe(true);
    expect(warnings).toContainEqual(
      expect.objectContaining({
        properties: expect.objectContaining({
          cycle: 'Tier 1 Operators > Tier 2 Operators > Tier 3 Operators > Tier 1 Operators',
        }),
      }),
    );
    const reads = r.emulator.calls
      .where({ api: 'exchange', name: 'Get-RoleGroupMember' })
      .map((c) => String(c.parameters.Identity));
    expect(reads.filter((g) => g.startsWith('Tier')).sort()).toEqual([tier1.name, tier2.name, tier3.name]);
    expectNearMinimum(r);
  });

  it.each([
    ['without an object id', false],
    ['with the directory role object id', true],
  ])(
    "resolves Organization Management's linked groups %s through Graph directory roles, and role groups inside it",
    async (_, carryObjectId) => {
      const r = await start();
      const state = r.emulator.state;
      state.linkedGroupsCarryObjectId = carryObjectId;
      const helpdesk = state.addRoleGroup({
        name: 'Helpdesk Admins',
        guid: fixedGuid(0xa0200000, 34),
        members: [USERS.lidiah.id],
      });
      const org = state.roleGroup(ORGANIZATION_MANAGEMENT);
      if (!org) throw new Error('the base tenant has no Organization Management');
      state.addRoleGroupMember(org, helpdesk.guid);

      const result = await audit(r);
      expect(holdersOf(result, upn(USERS.admin))).toEqual([
        expect.objectContaining({
          via: 'organization-management',
          path: 'via Organization Management (Global Administrator)',
        }),
      ]);
      expect(holdersOf(result, upn(USERS.pattif))).toEqual([
        expect.objectContaining({ path: 'via Organization Management (Exchange Administrator)' }),
      ]);
      expect(holdersOf(result, upn(USERS.lidiah))).toEqual([
        expect.objectContaining({
          via: 'organization-management',
          viaName: helpdesk.name,
          path: 'via role group Organization Management > role group Helpdesk Admins',
        }),
      ]);
      const graphPaths = r.emulator.calls.where({ api: 'graph' }).map((c) => c.name);
      for (const roleObjectId of Object.values(DIRECTORY_ROLE_OBJECT_IDS))
        expect(graphPaths.filter((p) => p.includes(roleObjectId))).toEqual([]);
    },
  );
});
