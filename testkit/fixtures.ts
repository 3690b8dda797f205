/**
 * The one place tests and benchmarks build domain records: grants, holders, role assignments and findings
 * as the stores hold them, the seed tenant's people by UPN, and records seeded into a running emulator.
 * Builders fill every field a real record has; a test overrides only what it is about.
 */
import { holderKey } from '../lib/audit/holders/holderAccumulator.js';
import type { Caller } from '../lib/caller.js';
import { MIE_ROLE, type Finding, type Grant, type Holder, type RoleAssignment } from '../lib/domain.js';
import type { GrantStore, Journal, JournalEntry } from '../lib/ports/index.js';
import { fixedGuid } from '../emulator/scenarios/baseTenant.js';
import type { RunningEmulator } from '../emulator/server.js';

export const HOUR = 3_600_000;
/** The instant the record builders are relative to. */
export const T0 = '2026-11-02T10:00:00.000Z';
export const DOMAIN = 'contoso.onmicrosoft.com';

/** The seed tenant's UPN for a mail nickname: `upn('adelev')`. */
export const upn = (local: string): string => `${local}@${DOMAIN}`;

/** A signed-in person who may request grants. */
export const requester = (local: string): Caller => ({ upn: upn(local), roles: ['Grant.Request'] });
/** A signed-in person who may approve grants. */
export const approver = (local: string): Caller => ({ upn: upn(local), roles: ['Grant.Approve'] });

/** The instant `offsetMs` after `base` (T0 unless given). */
export function at(offsetMs: number, base: string | Date = T0): Date {
  return new Date(new Date(base).getTime() + offsetMs);
}

/** A grant as just requested: pending, for adelev, requested by meganb an hour before T0. */
export function pendingGrant(id: string, over: Partial<Grant> = {}): Grant {
  return {
    id,
    principal: upn('adelev'),
    role: MIE_ROLE,
    status: 'pending',
    method: 'direct',
    requestedBy: upn('meganb'),
    requestedAt: at(-HOUR).toISOString(),
    justification: 'PST export',
    ticket: 'CHG-1',
    durationMs: 4 * HOUR,
    ...over,
  };
}

/**
 * An active direct grant with its own assignment, approved by lidiah: it ends at `expiresAt` (T0 unless
 * given) after `durationMs` (4 h unless given), and was requested an hour before it started.
 */
export function grant(id: string, over: Partial<Grant> = {}): Grant {
  const durationMs = over.durationMs ?? 4 * HOUR;
  const expiresAt = over.expiresAt ?? T0;
  const activatedAt = at(-durationMs, expiresAt).toISOString();
  return pendingGrant(id, {
    principalName: 'AdeleV',
    status: 'active',
    requestedAt: at(-HOUR, activatedAt).toISOString(),
    justification: 'PST export for case 42',
    durationMs,
    approvedBy: upn('lidiah'),
    approvedAt: activatedAt,
    activatedAt,
    expiresAt,
    assignmentGuid: `guid-${id}`,
    assignmentName: `MIE-Grant-${id}`,
    ...over,
  });
}

/** The role assignment `guid` as Get-ManagementRoleAssignment reports it: a direct, enabled MIE assignment. */
export function assignment(guid: string, over: Partial<RoleAssignment> = {}): RoleAssignment {
  return {
    guid,
    name: `${MIE_ROLE}-${guid}`,
    role: MIE_ROLE,
    roleAssignee: guid,
    roleAssigneeName: guid,
    roleAssigneeType: 'User',
    delegationType: 'Regular',
    enabled: true,
    ...over,
  };
}

/** `principal` holding the role directly through assignment `assignmentGuid`, organisation-wide. */
export function holder(principal: string, assignmentGuid: string, over: Partial<Holder> = {}): Holder {
  return {
    key: holderKey(principal, assignmentGuid),
    principal,
    principalType: 'User',
    role: MIE_ROLE,
    via: 'direct',
    path: 'direct assignment',
    assignmentGuid,
    assignmentName: `${MIE_ROLE}-${assignmentGuid}`,
    scope: 'Organization',
    enabled: true,
    capability: ['import', 'restore-deleted-items'],
    ...over,
  };
}

/** A holder's fields when it reaches the role through the seed tenant's PST Migration Operators role group. */
export const VIA_PST_MIGRATION_OPERATORS = {
  via: 'role-group',
  viaName: 'PST Migration Operators',
  path: 'via role group PST Migration Operators',
} as const satisfies Partial<Holder>;

/** The finding the audit opens for a direct holder without a grant, with what the holder can do (findingsByCause). */
export function unapprovedFinding(h: Holder, over: Partial<Finding> = {}): Finding {
  return {
    id: `unapproved|${h.key}`,
    kind: 'unapproved',
    principal: h.principal,
    severity: 'high',
    summary: `${h.principal} holds ${h.role} without a grant`,
    assignmentGuid: h.assignmentGuid,
    holderKey: h.key,
    capability: h.capability,
    holders: [h.principal],
    holderCount: 1,
    ...over,
  };
}

type SeedAssignment = Parameters<RunningEmulator['state']['addAssignment']>[0];

/** An enabled, regular MIE assignment made in the emulator's tenant (as New-ManagementRoleAssignment would). */
export function addMieAssignment(
  emulator: Pick<RunningEmulator, 'state'>,
  assignment: Pick<SeedAssignment, 'guid' | 'name' | 'assignee'> & Partial<SeedAssignment>,
): ReturnType<RunningEmulator['state']['addAssignment']> {
  return emulator.state.addAssignment({
    role: MIE_ROLE,
    assigneeType: 'User',
    delegationType: 'Regular',
    enabled: true,
    ...assignment,
  });
}

export interface Grantee {
  id: string;
  name: string;
  userPrincipalName: string;
}

/** An active grant that expired a minute before `now`, with its own direct assignment created in the emulator. */
export async function seedExpiredGrant(
  emulator: Pick<RunningEmulator, 'state'>,
  grants: GrantStore,
  user: Grantee,
  options: { id: string; guid: string; now: number; requestedBy: string; approvedBy: string; ticket: string },
): Promise<Grant> {
  const name = `MIE-Grant-${options.id}`;
  addMieAssignment(emulator, { guid: options.guid, name, assignee: user.id });
  return grants.create(
    grant(options.id, {
      principal: user.userPrincipalName.toLowerCase(),
      principalName: user.name,
      principalId: user.id,
      requestedBy: options.requestedBy,
      justification: 'PST export',
      ticket: options.ticket,
      approvedBy: options.approvedBy,
      expiresAt: new Date(options.now - 60_000).toISOString(),
      assignmentGuid: options.guid,
      assignmentName: name,
    }),
  );
}

/**
 * `count` expired grants (seedExpiredGrant) of the tenant's generated people (`user…`), requested and approved by
 * Northwind's Megan and Lidia: ids `${idPrefix}` and the number `digits` wide, assignment Guids counted up from
 * `guidBase`.
 */
export async function seedExpiredGrants(
  emulator: Pick<RunningEmulator, 'state'>,
  grants: GrantStore,
  count: number,
  options: { now: number; idPrefix: string; digits: number; guidBase: number },
): Promise<void> {
  const users = [...emulator.state.users.values()]
    .filter((u) => u.userPrincipalName.startsWith('user'))
    .slice(0, count);
  if (users.length < count) throw new Error(`The tenant has ${users.length} users for ${count} grants.`);
  for (const [i, user] of users.entries()) {
    await seedExpiredGrant(emulator, grants, user, {
      id: `${options.idPrefix}${String(i + 1).padStart(options.digits, '0')}`,
      guid: fixedGuid(options.guidBase, i + 1),
      now: options.now,
      requestedBy: 'meganb@northwind.onmicrosoft.com',
      approvedBy: 'lidiah@northwind.onmicrosoft.com',
      ticket: `CHG-${i + 1}`,
    });
  }
}

/** Every journal entry of a store, oldest first. */
export async function journalEntries(store: { journal: Pick<Journal, 'read'> }): Promise<JournalEntry[]> {
  const out: JournalEntry[] = [];
  for await (const e of store.journal.read()) out.push(e);
  return out;
}

/**
 * The X-MS-CLIENT-PRINCIPAL header App Service Authentication passes on for an Entra ID sign-in:
 * UPN, object id and (when given) tenant, plus app roles.
 */
export function easyAuthPrincipal(
  roles: string[],
  who: { upn?: string; oid?: string; tenantId?: string } = {},
): string {
  const claims = [
    { typ: 'upn', val: who.upn ?? 'auditor@contoso.onmicrosoft.com' },
    {
      typ: 'http://schemas.microsoft.com/identity/claims/objectidentifier',
      val: who.oid ?? '5d2a7c1e-3b4f-4a6d-9e8f-0a1b2c3d4e5f',
    },
    ...(who.tenantId ? [{ typ: 'http://schemas.microsoft.com/identity/claims/tenantid', val: who.tenantId }] : []),
    ...roles.map((val) => ({ typ: 'roles', val })),
  ];
  return Buffer.from(JSON.stringify({ auth_typ: 'aad', claims })).toString('base64');
}
