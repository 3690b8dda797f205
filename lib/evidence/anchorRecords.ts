/**
 * The anchors as exported: each line as the anchor log holds it, so `export --kind anchors --format ndjson` is the
 * anchors file `verify --anchors` reads offline. A line that is not an anchor is exported as what it is.
 */
import type { AnchorLog, JournalAnchor } from '../ports/index.js';
import type { Column } from './evidenceTable.js';

export type AnchorRecord = JournalAnchor | { source: string; unreadable: string };

export async function* anchorRecords(anchors: AnchorLog): AsyncGenerator<AnchorRecord> {
  for await (const stored of anchors.read())
    yield stored.anchor ?? { source: stored.source, unreadable: stored.unreadable ?? 'unreadable' };
}

const field = (r: AnchorRecord, name: keyof JournalAnchor) => ('seq' in r ? r[name] : undefined);

export const ANCHOR_COLUMNS: Column<AnchorRecord>[] = [
  { name: 'seq', value: (r) => field(r, 'seq') },
  { name: 'hash', value: (r) => field(r, 'hash') },
  { name: 'at', value: (r) => field(r, 'at') },
  { name: 'unreadable', value: (r) => ('unreadable' in r ? `${r.source}: ${r.unreadable}` : undefined) },
];
