/**
 * Values larger than one property (snapshots, open and resolved findings, deferred mail), stored as gzipped JSON
 * cut into binary chunks. Table Storage limits (Scalability and performance targets for Table storage): a binary
 * property holds 64 KiB; a transaction carries at most 100 entities and 4 MiB.
 */
import { gunzipSync, gzipSync } from 'node:zlib';

/** Bytes of one chunk, below the 64 KiB of a binary property. */
export const CHUNK_BYTES = 60_000;
/** Chunk rows per transaction: base64 makes 60 KB 80 KB, so 40 stay below 4 MiB and 100 entities. */
export const CHUNKS_PER_TRANSACTION = 40;

/** The value as gzipped JSON in chunks of CHUNK_BYTES (at least one). */
export function gzipChunks(value: unknown): Uint8Array[] {
  const zipped = gzipSync(Buffer.from(JSON.stringify(value), 'utf8'));
  const count = Math.max(1, Math.ceil(zipped.length / CHUNK_BYTES));
  return Array.from(
    { length: count },
    (_, i) => new Uint8Array(zipped.subarray(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES)),
  );
}

/** The value of gzipped JSON chunks, given in order. */
export function gunzipChunks<T>(chunks: readonly Uint8Array[]): T {
  return JSON.parse(gunzipSync(Buffer.concat(chunks.map((c) => Buffer.from(c)))).toString('utf8')) as T;
}

/** The value of chunk rows read in any order; `what` names it when a chunk is missing. */
export function fromChunkRows<T>(rows: { chunk: number; chunks: number; data: Uint8Array }[], what: string): T {
  rows.sort((a, b) => a.chunk - b.chunk);
  const expected = rows[0]?.chunks ?? 0;
  if (rows.length !== expected)
    throw new Error(`${what} has ${rows.length} of ${expected} chunks stored; it cannot be read.`);
  return gunzipChunks<T>(rows.map((r) => r.data));
}
