/**
 * Independent InvokeCommand calls sent together: every page request issued while the event loop is busy with one
 * turn (the reads a Promise.all or a bounded fan-out starts at once, the follow-ups of one answer) is queued, and
 * the queue goes out as admin API `$batch` requests of at most 10 (the limit real callers work to, CIPP's
 * New-ExoBulkRequest). Shape: `POST {exchange}/adminapi/beta/{tenant}/$batch` with `{"requests":[{"id","method":
 * "POST","url":".../InvokeCommand","headers","body":{"CmdletInput"}}]}`, answered `{"responses":[{"id","status",
 * "headers","body"}]}`; `Prefer: odata.continue-on-error` so that one failed request does not stop the others
 * (OData 4.01 Protocol, preference odata.continue-on-error).
 *
 * Each request keeps its own outcome: its answer is read exactly as a lone call's would be (the same reader), a
 * throttled or transiently failed one (429, a 5xx without a cmdlet failure, or no response at all) is queued again
 * after its own Retry-After or backoff, alone or with others, and every other request is answered at once. A page's
 * `@odata.nextLink` is just another page request (the same body POSTed to the link), so paging happens inside
 * batches too. A lone first attempt goes as a plain InvokeCommand call: the same single round trip, no envelope.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { RequestError, TransientError, formatSeconds, type CallContext, type Logger } from '../ports/index.js';
import type { Limiter } from '../limiter.js';
import { backoffDelay, parseRetryAfter } from '../http/retryPolicy.js';
import type { HttpResponse, HttpTransport } from '../http/transport.js';
import type { CmdletRow } from './invokeCommand.js';

/** Requests in one admin API $batch. */
export const EXCHANGE_BATCH_LIMIT = 10;

export interface PageRequest {
  /** The InvokeCommand endpoint, or a page's next link. */
  url: string;
  /** The JSON body: {"CmdletInput":{...}}. */
  body: string;
  context: CallContext;
  writes: boolean;
}

export interface Page {
  value: CmdletRow[];
  nextLink?: string;
  warnings: string[];
}

export interface InvokeBatcherOptions {
  batchUrl: string;
  transport: HttpTransport;
  /** Shared with the lone calls: a batch takes one connection slot. */
  limit: Limiter;
  /** Headers of the envelope and of each request (token, anchor mailbox, page size). */
  headers: (context: CallContext) => Promise<Record<string, string>>;
  /** A lone request, as a plain InvokeCommand call (its own retries included). */
  single: (request: PageRequest) => Promise<Page>;
  /** Reads one answer exactly as a lone call's: the page, or the typed error it means. */
  read: (response: HttpResponse, request: PageRequest) => Page;
  /** Whether an answer deserves another attempt. */
  retryable: (response: HttpResponse) => boolean;
  logger?: Logger;
  random?: () => number;
}

interface Job extends PageRequest {
  attempts: number;
  resolve(page: Page): void;
  reject(error: unknown): void;
}

const BATCH_CONTEXT: CallContext = { service: 'Exchange Online', operation: '$batch' };

export class InvokeBatcher {
  private readonly queue: Job[] = [];
  private scheduled = false;
  /** Batches handed to the limiter that have not taken their requests yet. */
  private waiting = 0;

  constructor(private readonly options: InvokeBatcherOptions) {}

  page(request: PageRequest): Promise<Page> {
    return new Promise<Page>((resolve, reject) => this.enqueue({ ...request, attempts: 0, resolve, reject }));
  }

  private enqueue(job: Job): void {
    this.queue.push(job);
    if (this.scheduled) return;
    this.scheduled = true;
    // Once the current turn is over, everything it queued goes out together.
    setImmediate(() => {
      this.scheduled = false;
      this.dispatch();
    });
  }

  private dispatch(): void {
    const needed = Math.ceil(this.queue.length / EXCHANGE_BATCH_LIMIT) - this.waiting;
    for (let i = 0; i < needed; i++) {
      this.waiting++;
      void this.options.limit(async () => {
        this.waiting--;
        // Taken when the slot is free, so requests queued meanwhile fill the batch.
        const jobs = this.queue.splice(0, EXCHANGE_BATCH_LIMIT);
        if (this.queue.length) this.dispatch();
        // A first attempt alone goes plain; a retried one stays in an envelope, so its attempts stay counted here.
        if (jobs.length === 1 && jobs[0]?.attempts === 0) await this.sendAlone(jobs[0]);
        else if (jobs.length) await this.send(jobs);
      });
    }
  }

  private async sendAlone(job: Job): Promise<void> {
    try {
      job.resolve(await this.options.single(job));
    } catch (error) {
      job.reject(error);
    }
  }

  private async send(jobs: Job[]): Promise<void> {
    for (const job of jobs) job.attempts++;
    let response: HttpResponse;
    try {
      response = await this.options.transport.send(async () => this.envelope(jobs), {
        ...BATCH_CONTEXT,
        retryable: this.options.retryable,
      });
    } catch (error) {
      for (const job of jobs) job.reject(error);
      return;
    }
    if (response.status >= 400) {
      // The batch as a whole was refused (token, permission, throttling past every retry): each call fails as it would alone.
      for (const job of jobs) this.settle(job, { ...response, attempts: job.attempts });
      return;
    }
    const answers = answersOf(response);
    if (!answers) {
      const error = new RequestError(
        BATCH_CONTEXT,
        `the answer is not a {"responses":[...]} object (HTTP ${response.status}).`,
        response.status,
      );
      for (const job of jobs) job.reject(error);
      return;
    }
    jobs.forEach((job, i) => this.answer(job, answers.get(String(i + 1))));
  }

  private async envelope(
    jobs: Job[],
  ): Promise<{ method: string; url: string; body: string; headers: Record<string, string> }> {
    const headers = await this.options.headers(BATCH_CONTEXT);
    const requests = jobs.map((job, i) => ({
      id: String(i + 1),
      method: 'POST',
      url: job.url,
      headers,
      body: JSON.parse(job.body) as unknown,
    }));
    return {
      method: 'POST',
      url: this.options.batchUrl,
      body: JSON.stringify({ requests }),
      headers: { ...headers, Prefer: `${headers.Prefer};odata.continue-on-error` },
    };
  }

  private answer(job: Job, answer: SubResponse | undefined): void {
    const { policy } = this.options.transport;
    const response = answer && subResponse(answer, job);
    const again = !response || this.options.retryable(response);
    if (!again || job.attempts >= policy.maxAttempts) {
      if (response) this.settle(job, response);
      else
        job.reject(
          new TransientError(job.context, job.attempts, 'the $batch answer carried no response for this request'),
        );
      return;
    }
    if (response?.retryAfterMs !== undefined && response.retryAfterMs > policy.maxRetryAfterMs)
      return this.settle(job, response);
    const delay = response?.retryAfterMs ?? backoffDelay(policy, job.attempts, this.options.random);
    this.options.logger?.warn(
      `${job.context.service} ${job.context.operation}: ${response ? `HTTP ${response.status}` : 'no response'} inside $batch; retrying in ${formatSeconds(delay)} (attempt ${job.attempts + 1} of ${policy.maxAttempts}).`,
    );
    void sleep(delay).then(() => this.enqueue(job));
  }

  private settle(job: Job, response: HttpResponse): void {
    try {
      job.resolve(this.options.read(response, job));
    } catch (error) {
      job.reject(error);
    }
  }
}

interface SubResponse {
  status: number;
  headers?: Record<string, unknown>;
  body?: unknown;
}

function answersOf(response: HttpResponse): Map<string, SubResponse> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(response.text);
  } catch {
    return undefined;
  }
  const responses = (parsed as { responses?: unknown } | null)?.responses;
  if (!Array.isArray(responses)) return undefined;
  const out = new Map<string, SubResponse>();
  for (const r of responses as { id?: unknown; status?: unknown }[]) {
    if (r && typeof r.id === 'string' && typeof r.status === 'number') out.set(r.id, r as SubResponse);
  }
  return out;
}

/** One request's answer as the response a lone call would have had. */
function subResponse(answer: SubResponse, job: Job): HttpResponse {
  const headers = new Headers();
  for (const [name, value] of Object.entries(answer.headers ?? {}))
    if (typeof value === 'string' || typeof value === 'number') headers.set(name, String(value));
  const body = answer.body;
  return {
    status: answer.status,
    headers,
    text: body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body),
    url: job.url,
    attempts: job.attempts,
    retryAfterMs: parseRetryAfter(headers.get('retry-after'), Date.now()),
  };
}
