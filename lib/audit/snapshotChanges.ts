/** How a complete snapshot differs from the one before: its content hash and the holder changes to journal. */
import { createHash } from 'node:crypto';
import type { Holder, Snapshot } from '../domain.js';
import { canonicalJson } from '../hashChain.js';

/** Hash of what was read (holders, assignments and who can grant), not of when: equal hashes mean nothing changed. */
export function snapshotHash(snapshot: Pick<Snapshot, 'holders' | 'assignments' | 'canGrant'>): string {
  const holders = [...snapshot.holders].sort((a, b) => a.key.localeCompare(b.key));
  const assignments = [...snapshot.assignments].sort((a, b) => a.guid.localeCompare(b.guid));
  const canGrant = [...(snapshot.canGrant ?? [])].sort((a, b) => a.assignmentGuid.localeCompare(b.assignmentGuid));
  return createHash('sha256').update(canonicalJson({ holders, assignments, canGrant })).digest('hex');
}

export interface HolderChanges {
  added: Holder[];
  removed: Holder[];
  changed: { holder: Holder; previous: Holder }[];
}

export function holderChanges(previous: Holder[], current: Holder[]): HolderChanges {
  const before = new Map(previous.map((h) => [h.key, h]));
  const after = new Map(current.map((h) => [h.key, h]));
  const out: HolderChanges = { added: [], removed: [], changed: [] };
  for (const [key, h] of after) {
    const prev = before.get(key);
    if (!prev) out.added.push(h);
    else if (canonicalJson(prev) !== canonicalJson(h)) out.changed.push({ holder: h, previous: prev });
  }
  for (const [key, h] of before) if (!after.has(key)) out.removed.push(h);
  return out;
}
