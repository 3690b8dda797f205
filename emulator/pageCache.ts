/**
 * Server-side result sets behind `@odata.nextLink`: the first request computes the full answer once,
 * later pages slice it. Tokens survive retries of the same page and expire by count, like a real
 * service's continuation state does.
 */
import { randomBytes } from 'node:crypto';

interface Entry {
  owner: string;
  rows: unknown[];
}

export class PageCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly capacity = 256) {}

  put(owner: string, rows: unknown[]): string {
    const id = randomBytes(9).toString('base64url');
    this.entries.set(id, { owner, rows });
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    return id;
  }

  /** The rows of a token issued for the same owner (cmdlet or path), or undefined. */
  get(id: string, owner: string): unknown[] | undefined {
    const e = this.entries.get(id);
    return e && e.owner === owner ? e.rows : undefined;
  }
}

export function encodeSkipToken(id: string, offset: number): string {
  return Buffer.from(`${id}.${offset}`).toString('base64url');
}

export function decodeSkipToken(token: string): { id: string; offset: number } | undefined {
  const m = /^([A-Za-z0-9_-]+)\.(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  return m ? { id: m[1] as string, offset: Number(m[2]) } : undefined;
}

/** `Prefer: odata.maxpagesize=N` (other preferences may share the header). */
export function preferredPageSize(prefer: string | string[] | undefined): number | undefined {
  const text = Array.isArray(prefer) ? prefer.join(',') : prefer;
  const m = text ? /odata\.maxpagesize\s*=\s*(\d+)/i.exec(text) : null;
  return m ? Number(m[1]) : undefined;
}
