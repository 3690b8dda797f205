/**
 * Holders over time, rebuilt from the journal from two sources. The audit appends holder.* events only
 * when the holder set it reads changes; the watchdog journals each grant's assignment from creation to
 * verified removal (lib/evidence/grantHoldings.ts), which catches a grant shorter than the audit interval.
 * Replaying both in order gives the set at any instant and the periods during which each holder held the
 * role, each saying its source. Memory is bounded by the holders and grants open at once.
 */
import type { Holder } from '../domain.js';
import type { JournalEntry } from '../ports/index.js';
import { atOrBefore, overlaps, type Column, type Period } from './evidenceTable.js';
import { GrantHoldingReplay, sameAccess, type GrantHolding } from './grantHoldings.js';

/** Where a holding comes from: what an audit read in Exchange and Graph, or the watchdog's own grant events. */
export type HoldingSource = 'audit' | 'grant';

export interface HeldHolder {
  source: HoldingSource;
  /** The grant behind the holding: the grant itself (source grant), or the grant an audited holder matches. */
  grantId?: string;
  holder: Holder;
  /** When this holder key was first recorded (holder.added). */
  firstSeen: string;
  /** When the current attributes were recorded (added, or the last holder.changed). */
  since: string;
}

/** One stretch of time during which a holder held the role with the same attributes. */
export interface HolderPeriod extends HeldHolder {
  startedBy: 'added' | 'changed';
  /** When the period ended; absent while it is still current. */
  until?: string;
  endedBy?: 'removed' | 'changed';
  /** Journal seq of the event that started the period: the link back to the evidence. */
  seq: number;
}

const HOLDER_EVENTS = new Set(['holder.added', 'holder.removed', 'holder.changed']);

export function isHolderEvent(entry: JournalEntry): boolean {
  return HOLDER_EVENTS.has(entry.type);
}

function holderOf(entry: JournalEntry): Holder | undefined {
  const holder = (entry.data as Record<string, unknown>).holder as Holder | undefined;
  return holder && typeof holder === 'object' && typeof holder.key === 'string' ? holder : undefined;
}

/** Applies holder.* events in order and hands back the periods they close. */
export class HolderReplay {
  private readonly open = new Map<string, HolderPeriod>();
  /** `at` of the first holder event: before it, the journal says nothing about holders. */
  firstEventAt: string | undefined;

  apply(entry: JournalEntry): HolderPeriod[] {
    if (!isHolderEvent(entry)) return [];
    this.firstEventAt ??= entry.at;
    const key = holderOf(entry)?.key ?? entry.subject;
    const current = this.open.get(key);
    const closed: HolderPeriod[] = [];
    if (current) {
      closed.push({ ...current, until: entry.at, endedBy: entry.type === 'holder.removed' ? 'removed' : 'changed' });
      this.open.delete(key);
    }
    const holder = holderOf(entry);
    if (entry.type !== 'holder.removed' && holder) {
      this.open.set(key, {
        source: 'audit',
        holder,
        firstSeen: current?.firstSeen ?? entry.at,
        since: entry.at,
        startedBy: current ? 'changed' : entry.type === 'holder.changed' ? 'changed' : 'added',
        seq: entry.seq,
      });
    }
    return closed;
  }

  current(): HolderPeriod[] {
    return [...this.open.values()].sort(
      (a, b) => a.holder.principal.localeCompare(b.holder.principal) || a.holder.key.localeCompare(b.holder.key),
    );
  }
}

export interface HoldersAt {
  at: string;
  /**
   * False when `at` is before the first recorded holder event: no audit had read the holders yet, so the
   * journal cannot say who held the role (holders then lists only the watchdog's own grants).
   */
  recorded: boolean;
  historyStartsAt?: string;
  holders: HeldHolder[];
}

const heldByGrant = (h: GrantHolding): HeldHolder => ({
  source: 'grant',
  grantId: h.grantId,
  holder: h.holder,
  firstSeen: h.since,
  since: h.since,
});

/**
 * The audited holders at `at`, each with the grant it matches, then the grants holding the role at `at` that no
 * audit saw (the watchdog created and removed them between two audits, or the next audit had not run yet).
 */
function mergeAt(audited: HolderPeriod[], grants: GrantHolding[]): HeldHolder[] {
  const out: HeldHolder[] = audited.map(({ holder, firstSeen, since }) => {
    const grant = grants.find((g) => sameAccess(holder, g));
    return { source: 'audit', ...(grant ? { grantId: grant.grantId } : {}), holder, firstSeen, since };
  });
  for (const g of grants) if (!audited.some((a) => sameAccess(a.holder, g))) out.push(heldByGrant(g));
  return out;
}

/** Who held the role at `at`: every holder.* and grant event at or before it, applied in order. */
export async function holdersAt(entries: AsyncIterable<JournalEntry>, at: string): Promise<HoldersAt> {
  const replay = new HolderReplay();
  const grants = new GrantHoldingReplay();
  let historyStartsAt: string | undefined;
  // The whole journal is read even past `at`, so that the caller's verification covers all of it.
  for await (const entry of entries) {
    if (isHolderEvent(entry)) historyStartsAt ??= entry.at;
    if (!atOrBefore(entry.at, at)) continue;
    replay.apply(entry);
    grants.apply(entry);
  }
  const recorded = replay.firstEventAt !== undefined;
  return { at, recorded, historyStartsAt, holders: mergeAt(replay.current(), grants.current()) };
}

const grantPeriod = (h: GrantHolding): HolderPeriod => ({
  ...heldByGrant(h),
  startedBy: 'added',
  ...(h.until ? { until: h.until, endedBy: 'removed' as const } : {}),
  seq: h.seq,
});

/**
 * The holding periods that overlap the period, from both sources (each says which): closed ones as they
 * close, then the current ones.
 */
export async function* holderPeriods(
  entries: AsyncIterable<JournalEntry>,
  period: Period,
): AsyncGenerator<HolderPeriod> {
  const replay = new HolderReplay();
  const grants = new GrantHoldingReplay();
  // Events after the period are applied too, so a period that outlives it shows when it really ended.
  for await (const entry of entries) {
    const closed = [...replay.apply(entry), ...grants.apply(entry).map(grantPeriod)];
    for (const p of closed) if (overlaps(period, p.since, p.until)) yield p;
  }
  const open = [...replay.current(), ...grants.current().map(grantPeriod)];
  for (const p of open) if (overlaps(period, p.since, undefined)) yield p;
}

export const HOLDER_PERIOD_COLUMNS: Column<HolderPeriod>[] = [
  { name: 'principal', value: (p) => p.holder.principal },
  { name: 'displayName', value: (p) => p.holder.displayName },
  { name: 'principalType', value: (p) => p.holder.principalType },
  { name: 'role', value: (p) => p.holder.role },
  { name: 'path', value: (p) => p.holder.path },
  { name: 'via', value: (p) => p.holder.via },
  { name: 'viaName', value: (p) => p.holder.viaName },
  { name: 'assignmentName', value: (p) => p.holder.assignmentName },
  { name: 'assignmentGuid', value: (p) => p.holder.assignmentGuid },
  { name: 'scope', value: (p) => p.holder.scope },
  { name: 'enabled', value: (p) => p.holder.enabled },
  { name: 'firstSeen', value: (p) => p.firstSeen },
  { name: 'from', value: (p) => p.since },
  { name: 'startedBy', value: (p) => p.startedBy },
  { name: 'until', value: (p) => p.until },
  { name: 'endedBy', value: (p) => p.endedBy },
  { name: 'holderKey', value: (p) => p.holder.key },
  { name: 'seq', value: (p) => p.seq },
  { name: 'source', value: (p) => p.source },
  { name: 'grantId', value: (p) => p.grantId },
];
