/**
 * The journal's anchors in append blobs: one NDJSON line {"seq","hash","at"} per anchor, the same format as the
 * anchors file `verify --anchors` reads offline. An append blob holds at most 50,000 blocks (Append Block, Remarks),
 * one anchor each, so the log continues in the next blob (`-000002`, ...) when one is full. In Azure the container
 * has a time-based, version-level immutability policy with protected append writes: lines can be added, never
 * changed or deleted, for the retention period. Azurite does not emulate immutability.
 */
import { anchorLine, parseAnchorLine } from '../journalAnchor.js';
import type { AnchorLog, JournalAnchor, StoredAnchor } from '../ports/index.js';
import { StoreError } from '../ports/index.js';
import type { AppendBlobClient } from './appendBlobClient.js';

const MAX_BLOCKS = 50_000;
/** Enough to see the last line: an anchor line is about 120 bytes. */
const TAIL_BYTES = 1024;
const MAX_ATTEMPTS = 8;

/** A blob of the log: its number, size and committed blocks. */
interface Position {
  n: number;
  size: number;
  blocks: number;
  exists: boolean;
}

export function createBlobAnchorLog(
  client: AppendBlobClient,
  options: { prefix: string; location: string },
): AnchorLog {
  return new BlobAnchorLog(client, options.prefix, options.location);
}

class BlobAnchorLog implements AnchorLog {
  /**
   * Where this writer's last append left the log: the next one appends there without reading the blob's
   * properties first; a position that moved meanwhile (another writer) answers 412 and is read again.
   */
  private known: Position | undefined;

  constructor(
    private readonly client: AppendBlobClient,
    private readonly prefix: string,
    readonly location: string,
  ) {}

  private blobName(n: number): string {
    return `${this.prefix}/journal-anchors-${String(n).padStart(6, '0')}.ndjson`;
  }

  /** The last blob of the log (1 when none exists yet) and its properties. */
  private async current(): Promise<Position> {
    let n = 1;
    let props = await this.client.properties(this.blobName(n));
    if (!props) return { n, size: 0, blocks: 0, exists: false };
    for (;;) {
      const next = await this.client.properties(this.blobName(n + 1));
      if (!next) return { n, ...props, exists: true };
      n++;
      props = next;
    }
  }

  private async alreadyThere(blob: string, size: number, line: string): Promise<boolean> {
    const tail = await this.client.read(blob, Math.max(0, size - TAIL_BYTES));
    return tail?.endsWith(line) ?? false;
  }

  async record(anchor: JournalAnchor): Promise<void> {
    const line = anchorLine(anchor);
    let at = this.known ?? (await this.current());
    this.known = undefined;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const blob = this.blobName(at.n);
      if (!at.exists) await this.client.create(blob);
      if (at.blocks >= MAX_BLOCKS) {
        at = { n: at.n + 1, size: 0, blocks: 0, exists: false };
        continue;
      }
      const outcome = await this.client.append(blob, line, at.size);
      if (outcome === 'appended') {
        this.known = { n: at.n, size: at.size + Buffer.byteLength(line, 'utf8'), blocks: at.blocks + 1, exists: true };
        return;
      }
      if (outcome === 'full') {
        at = { n: at.n + 1, size: 0, blocks: 0, exists: false };
        continue;
      }
      // Another writer (or this write's own earlier attempt) moved the end: read it again.
      at = await this.current();
      if (at.exists && (await this.alreadyThere(this.blobName(at.n), at.size, line))) return;
    }
    throw new StoreError(
      `Anchoring journal seq ${anchor.seq} in ${this.location} failed: the append position kept moving after ${MAX_ATTEMPTS} attempts.`,
    );
  }

  async *read(): AsyncGenerator<StoredAnchor> {
    for (let n = 1; ; n++) {
      const text = await this.client.read(this.blobName(n));
      if (text === undefined) return;
      const lines = text.split('\n');
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i]?.trim();
        if (line) yield parseAnchorLine(line, `${this.blobName(n)} line ${i + 1}`);
      }
    }
  }
}
