/** Every call the emulator answered (control routes excepted), for tests and the demo to assert on. */
import type { CallApi } from './faults.js';

export interface CallRecord {
  seq: number;
  /** Emulator clock time, ISO 8601. */
  at: string;
  api: CallApi;
  method: string;
  /** Cmdlet name, graph path without version and query, `send` / `poll`, or `post` / `upload`. */
  name: string;
  /** Cmdlet parameters, graph query options, or the email operation id. */
  parameters: Record<string, unknown>;
  /** 0 when the connection was reset. */
  status: number;
  durationMs: number;
  /** Set when an injected fault decided the outcome. */
  fault?: string;
  /** Set for a request carried inside a Graph $batch. */
  batch?: boolean;
}

export interface CallFilter {
  api?: CallRecord['api'];
  name?: string | RegExp;
  status?: number;
}

export class CallLog {
  private records: CallRecord[] = [];
  private seq = 0;

  constructor(private readonly limit = 100_000) {}

  record(entry: Omit<CallRecord, 'seq'>): CallRecord {
    const full = { seq: ++this.seq, ...entry };
    this.records.push(full);
    if (this.records.length > this.limit) this.records.splice(0, this.records.length - this.limit);
    return full;
  }

  all(): CallRecord[] {
    return [...this.records];
  }

  where(filter: CallFilter): CallRecord[] {
    return this.records.filter(
      (r) =>
        (filter.api === undefined || r.api === filter.api) &&
        (filter.status === undefined || r.status === filter.status) &&
        (filter.name === undefined ||
          (typeof filter.name === 'string'
            ? r.name.toLowerCase() === filter.name.toLowerCase()
            : filter.name.test(r.name))),
    );
  }

  count(filter: CallFilter = {}): number {
    return this.where(filter).length;
  }

  clear(): void {
    this.records = [];
  }
}
