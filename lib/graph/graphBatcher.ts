/**
 * Graph GETs go out together as JSON batches of at most 20 requests (https://learn.microsoft.com/graph/json-batching):
 * those issued while the event loop is busy with one turn (the reads a Promise.all starts at once, the follow-ups of
 * one answer), and those issued while an earlier round trip is still out, which wait for it (a full envelope does not
 * wait). A Graph round trip is short next to the Exchange calls the audit waits on, so the wait costs little time and
 * saves round trips. Each request gets its own status, headers and body back; what to do with a failed one stays with
 * its caller. A lone request whose caller can send it plainly is handed back unsent: the same single round trip, no
 * envelope (the caller reports it through `track`). With coalescing off, each caller's requests go out at once on
 * their own (still 20 to an envelope).
 */
import type { Limiter } from '../limiter.js';
import { RequestError, type CallContext } from '../ports/index.js';

export const MAX_BATCH = 20;

export interface BatchAnswer {
  id: string;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** Sends one envelope: `POST /$batch` with these requests, answering the parsed response body. */
export type PostBatch = (requests: { id: string; method: 'GET'; url: string }[]) => Promise<unknown>;

interface Job {
  url: string;
  /** The caller sends the request itself when it is alone in its turn. */
  plainWhenAlone: boolean;
  resolve(answer: BatchAnswer | undefined): void;
  reject(error: unknown): void;
}

const CONTEXT: CallContext = { service: 'Microsoft Graph', operation: 'POST /$batch' };

export class GraphBatcher {
  private queue: Job[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly post: PostBatch,
    private readonly limit: Limiter,
    private readonly coalesce = true,
  ) {}

  /**
   * Sends GETs (paths relative to the version, query included). Each resolves with its answer, or with undefined
   * when `plainWhenAlone` and it is the only request of its turn; each rejects with what its envelope's POST threw.
   */
  get(urls: string[], plainWhenAlone = false): Promise<BatchAnswer | undefined>[] {
    const jobs: Job[] = [];
    const answers = urls.map(
      (url) =>
        new Promise<BatchAnswer | undefined>((resolve, reject) => jobs.push({ url, plainWhenAlone, resolve, reject })),
    );
    if (!jobs.length) return answers;
    if (!this.coalesce) this.flush(jobs);
    else {
      this.queue.push(...jobs);
      this.schedule();
    }
    return answers;
  }

  /** Counts a round trip sent outside the batcher (a lone request sent plainly) as out, until it settles. */
  track<T>(call: Promise<T>): Promise<T> {
    this.inFlight++;
    const settle = () => {
      if (--this.inFlight === 0 && this.queue.length) this.schedule();
    };
    call.then(settle, settle);
    return call;
  }

  /** Flushes at the end of this turn: everything when nothing is out, else only full envelopes. */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const take = this.inFlight ? this.queue.length - (this.queue.length % MAX_BATCH) : this.queue.length;
      if (take) this.flush(this.queue.splice(0, take));
    });
  }

  private flush(jobs: Job[]): void {
    const [only] = jobs;
    if (jobs.length === 1 && only?.plainWhenAlone) return only.resolve(undefined);
    for (let i = 0; i < jobs.length; i += MAX_BATCH) void this.send(jobs.slice(i, i + MAX_BATCH));
  }

  private async send(jobs: Job[]): Promise<void> {
    let responses: unknown;
    try {
      const result = await this.track(
        this.limit(() => this.post(jobs.map((job, i) => ({ id: String(i), method: 'GET', url: job.url })))),
      );
      responses = (result as { responses?: unknown } | undefined)?.responses;
      if (!Array.isArray(responses)) throw new RequestError(CONTEXT, 'the $batch response has no "responses" array.');
    } catch (error) {
      for (const job of jobs) job.reject(error);
      return;
    }
    const byId = new Map((responses as BatchAnswer[]).map((r) => [String(r?.id), r]));
    for (const [i, job] of jobs.entries()) {
      const answer = byId.get(String(i));
      if (answer && typeof answer.status === 'number') job.resolve(answer);
      else job.reject(new RequestError(CONTEXT, `the $batch response has no answer for request ${i} (${job.url}).`));
    }
  }
}
