/**
 * A journal anchor and its one text form: an NDJSON line {"seq","hash","at"}, as the anchor blobs hold it and as
 * the anchors file of an offline verification carries it (docs/evidence.md, "Verifying offline").
 */

/** The journal's head as it was at `at`: the entry `seq` had hash `hash`. */
export interface JournalAnchor {
  seq: number;
  hash: string;
  at: string;
}

/** One anchor line as stored, before any trust in it. */
export interface StoredAnchor {
  /** Where it is: blob name and line ("mie/journal-anchors-000001.ndjson line 3"), or file and line offline. */
  source: string;
  anchor?: JournalAnchor;
  /** Why the line is not an anchor (not JSON, a field missing). */
  unreadable?: string;
}

export const anchorLine = (a: JournalAnchor): string => `${JSON.stringify({ seq: a.seq, hash: a.hash, at: a.at })}\n`;

/** Parses one line of an anchors file without trusting it. */
export function parseAnchorLine(line: string, source: string): StoredAnchor {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { source, unreadable: 'the line is not JSON' };
  }
  const a = value as Partial<JournalAnchor>;
  if (
    typeof a !== 'object' ||
    a === null ||
    !Number.isInteger(a.seq) ||
    typeof a.hash !== 'string' ||
    !/^[0-9a-f]{64}$/.test(a.hash) ||
    typeof a.at !== 'string'
  ) {
    return { source, unreadable: 'the line lacks an integer seq, a 64-hex-digit hash or an at' };
  }
  return { source, anchor: { seq: a.seq as number, hash: a.hash, at: a.at } };
}
