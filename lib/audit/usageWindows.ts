/**
 * The usage ledger without I/O: which audit log operations are uses of the power, the window each audit log search
 * covers, and which approved window (a grant from its activation to its removal or expiry) each use fell in.
 *
 * Operation names as the unified audit log records them ("Audit log activities", Microsoft Purview docs): Exchange
 * admin cmdlets under their cmdlet name (record type exchangeAdmin), MailItemsAccessed (exchangeItemAggregated, its
 * AuditData names the app in AppId / ClientAppId and the mailbox in MailboxOwnerUPN), and the eDiscovery export
 * activities SearchExported / SearchExportDownloaded (record type discovery).
 */
import type { Grant, Holder } from '../domain.js';
import type { AuditLogRecord, RecordedUse, UseCategory } from '../ports/index.js';
import { parameters } from './matchAuditRecords.js';

const CATEGORY: Record<string, UseCategory> = {
  'get-recoverableitems': 'recoverable-items',
  'restore-recoverableitems': 'recoverable-items',
  'new-mailboximportrequest': 'pst-import',
  mailitemsaccessed: 'mail-access',
  searchexported: 'ediscovery-export',
  searchexportdownloaded: 'ediscovery-export',
  'new-managementroleassignment': 'role-change',
  'remove-managementroleassignment': 'role-change',
  'set-managementroleassignment': 'role-change',
  'add-rolegroupmember': 'role-change',
  'remove-rolegroupmember': 'role-change',
};

/** `exchange`: what AuditLogsQuery-Exchange.Read.All reads; `all` adds eDiscovery (AuditLogsQuery.Read.All). */
export type UsageScope = 'exchange' | 'all';

/** The operations and record types one search asks for. */
export function usageQuery(scope: UsageScope): { operations: string[]; recordTypes: string[] } {
  const exchange = {
    operations: [
      'Get-RecoverableItems',
      'Restore-RecoverableItems',
      'New-MailboxImportRequest',
      'MailItemsAccessed',
      'New-ManagementRoleAssignment',
      'Remove-ManagementRoleAssignment',
      'Set-ManagementRoleAssignment',
      'Add-RoleGroupMember',
      'Remove-RoleGroupMember',
    ],
    recordTypes: ['exchangeAdmin', 'exchangeItem', 'exchangeItemAggregated'],
  };
  if (scope === 'exchange') return exchange;
  return {
    operations: [...exchange.operations, 'SearchExported', 'SearchExportDownloaded'],
    recordTypes: [...exchange.recordTypes, 'discovery'],
  };
}

/** How far back Purview audit search reaches by default. */
const RETENTION_MS = 180 * 24 * 3_600_000;

/**
 * The next search: from `lookbackMs` before where the last completed one ended (records arrive in the audit log up
 * to hours late, so each search overlaps the one before), or before now on the first run; never past retention.
 */
export function nextQueryWindow(
  coveredUntil: string | undefined,
  now: Date,
  lookbackMs: number,
): { from: string; to: string } {
  const end = coveredUntil ? Math.min(Date.parse(coveredUntil), now.getTime()) : now.getTime();
  const from = Math.max(end - lookbackMs, now.getTime() - RETENTION_MS);
  return { from: new Date(from).toISOString(), to: now.toISOString() };
}

export interface UsageContext {
  grants: Grant[];
  /** Holders of the power now (the audit's snapshot). */
  holders: Holder[];
  /** The watchdog's own app ids: its role changes are how grants are made and ended (empty when unknown). */
  selfIds: string[];
  recordedAt: string;
}

/** A grant's approved window: from its assignment's creation to its removal, or its expiry if that came first. */
export function grantWindow(grant: Grant): { from: string; until?: string } | undefined {
  if (!grant.activatedAt) return undefined;
  const ends = [grant.expiresAt, grant.endedAt, grant.revocation?.verifiedAt]
    .filter((x): x is string => !!x)
    .map((x) => Date.parse(x));
  return { from: grant.activatedAt, until: ends.length ? new Date(Math.min(...ends)).toISOString() : undefined };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
const lower = (s: string | undefined) => s?.toLowerCase();

/** Who acted: for mailbox access by an app, the app (its appId); else the user the record names. */
function actorOf(record: AuditLogRecord, category: UseCategory): string | undefined {
  const app = str(record.auditData.AppId) ?? str(record.auditData.ClientAppId);
  if (category === 'mail-access' && app) return app.toLowerCase();
  return lower(record.userPrincipalName ?? str(record.auditData.UserId));
}

function targetOf(record: AuditLogRecord, category: UseCategory): string | undefined {
  const p = parameters(record);
  if (category === 'recoverable-items') return p.get('identity') ?? record.objectId;
  if (category === 'pst-import') return p.get('mailbox') ?? record.objectId;
  if (category === 'mail-access') return str(record.auditData.MailboxOwnerUPN) ?? record.objectId;
  if (category === 'role-change') {
    const object = p.get('identity') ?? p.get('name') ?? record.objectId;
    const who = p.get('member') ?? p.get('user') ?? p.get('app') ?? p.get('securitygroup');
    return [object, who].filter(Boolean).join(' / ') || undefined;
  }
  return str(record.auditData.ObjectId) ?? record.objectId;
}

/** The names a role change may carry that concern the power: its roles, assignments and role groups. */
function powerNames(ctx: UsageContext): Set<string> {
  const names = new Set<string>();
  const add = (s: string | undefined) => s && names.add(s.toLowerCase());
  for (const h of ctx.holders) {
    add(h.role);
    add(h.assignmentName);
    if (h.via === 'role-group') add(h.viaName);
  }
  for (const g of ctx.grants) {
    add(g.role);
    add(g.assignmentName);
    add(g.roleGroup);
  }
  return names;
}

function concernsPower(record: AuditLogRecord, names: Set<string>): boolean {
  const p = parameters(record);
  return [p.get('role'), p.get('identity'), p.get('name'), record.objectId].some(
    (v) => !!v && names.has(v.toLowerCase()),
  );
}

const within = (at: number, w: { from: string; until?: string }) =>
  at >= Date.parse(w.from) && (w.until === undefined || at <= Date.parse(w.until));

/** A grant's own activation or removal: a role change of its assignment while it lived (an hour of slack each side). */
function ownChangeOf(record: AuditLogRecord, at: number, grants: Grant[]): Grant | undefined {
  const p = parameters(record);
  const named = [p.get('name'), p.get('identity'), record.objectId].map(lower);
  return grants.find((g) => {
    const w = grantWindow(g);
    if (!w || !g.assignmentName || !named.includes(g.assignmentName.toLowerCase())) return false;
    const slack = 3_600_000;
    return at >= Date.parse(w.from) - slack && (w.until === undefined || at <= Date.parse(w.until) + slack);
  });
}

function matches(principal: string, ids: (string | undefined)[]): boolean {
  return ids.some((id) => !!id && id.toLowerCase() === principal);
}

/** Each record that is a use of the power, tied to the window it fell in; records that are not uses are left out. */
export function matchUses(records: AuditLogRecord[], ctx: UsageContext): RecordedUse[] {
  const names = powerNames(ctx);
  const self = new Set(ctx.selfIds.map((s) => s.toLowerCase()));
  const out: RecordedUse[] = [];
  for (const record of records) {
    const category = CATEGORY[record.operation.toLowerCase()];
    const actor = category && actorOf(record, category);
    if (!category || !actor) continue;
    const holder = ctx.holders.find((h) => matches(actor, [h.principal, h.principalId]));
    // Mailbox access is a use only by an app that holds an export permission; any user reads their own mail.
    if (category === 'mail-access' && holder?.principalType !== 'ServicePrincipal') continue;
    if (category === 'role-change' && !concernsPower(record, names)) continue;
    const at = Date.parse(record.createdDateTime);
    const base: RecordedUse = {
      recordId: record.id,
      at: record.createdDateTime,
      operation: record.operation,
      category,
      recordType: record.recordType,
      actor,
      target: targetOf(record, category),
      holderKey: holder?.key,
      capability: holder?.capability,
      window: 'outside',
      recordedAt: ctx.recordedAt,
    };
    // Without the watchdog's own app id (a system-assigned identity), a grant's own assignment changes stand for it.
    const own = category === 'role-change' && !self.size ? ownChangeOf(record, at, ctx.grants) : undefined;
    if (self.has(actor) || own) {
      out.push({ ...base, window: 'watchdog', grantId: own?.id });
      continue;
    }
    const grant = ctx.grants.find((g) => {
      const w = grantWindow(g);
      return !!w && matches(actor, [g.principal, g.principalId]) && within(at, w);
    });
    const w = grant && grantWindow(grant);
    out.push(
      grant && w ? { ...base, window: 'grant', grantId: grant.id, windowFrom: w.from, windowUntil: w.until } : base,
    );
  }
  return out;
}
