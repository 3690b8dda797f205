/**
 * The hash chain that makes stored history tamper-evident: each record's hash covers its canonical
 * form and the previous record's hash, so an edit, insertion or deletion breaks every later link.
 */
import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every depth and undefined members dropped: one text per value. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function chainHash(prevHash: string, record: unknown): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonicalJson(record)).digest('hex');
}

/** The row key of the journal row whose first entry has this seq: verification names rows by it. */
export const entryRowKey = (seq: number): string => `e${String(seq).padStart(12, '0')}`;

/** The fields of a journal entry the hash covers. */
export interface HashedEntry {
  seq: number;
  /** The event id; absent on entries without one. */
  id?: string;
  at: string;
  type: string;
  actor: string;
  subject: string;
  reason?: string;
  data: Record<string, unknown>;
  prevHash: string;
}

/** Exactly the hashed fields of an entry, in the form verify recomputes. */
export function hashedFields(e: HashedEntry): HashedEntry {
  // An absent id is left out of the canonical form, so entries written before ids existed verify unchanged.
  return {
    seq: e.seq,
    id: e.id,
    at: e.at,
    type: e.type,
    actor: e.actor,
    subject: e.subject,
    reason: e.reason,
    data: e.data,
    prevHash: e.prevHash,
  };
}
