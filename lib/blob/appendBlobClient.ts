/**
 * The few Blob service operations the anchors need, as REST calls: Put Blob (x-ms-blob-type: AppendBlob),
 * Append Block with the append-position condition, Get Blob Properties, Get Blob and Create Container.
 *
 * Why REST and not @azure/storage-blob: that package is about 560 KB minified, and the Function App bundle must stay
 * under 1024 KiB; @azure/core-rest-pipeline is already in it (Table Storage uses it), and brings retries with backoff
 * honouring Retry-After, timeouts and bearer tokens. In Azure the managed identity's token for
 * https://storage.azure.com/.default authorizes each call; against Azurite, Shared Key with its development key.
 */
import { createHmac } from 'node:crypto';
import {
  bearerTokenAuthenticationPolicy,
  createDefaultHttpClient,
  createHttpHeaders,
  createPipelineFromOptions,
  createPipelineRequest,
  type HttpClient,
  type Pipeline,
  type PipelinePolicy,
  type PipelineRequest,
} from '@azure/core-rest-pipeline';
import type { TokenCredential } from '@azure/identity';
import { isLoopbackHost } from '../endpoints.js';
import { StoreError } from '../ports/index.js';

/** A version every current Blob service and Azurite 3.35 serve; Append Block needs 2015-02-21 or later. */
const API_VERSION = '2023-11-03';
const STORAGE_SCOPE = 'https://storage.azure.com/.default';

export type BlobAuth =
  { kind: 'shared-key'; account: string; key: string } | { kind: 'token'; credential: TokenCredential };

export interface AppendBlobClientOptions {
  /** The account's blob endpoint: https://acct.blob.core.windows.net, or Azurite's http://127.0.0.1:port/devstoreaccount1. */
  endpoint: string;
  container: string;
  auth: BlobAuth;
  /** Per request, in milliseconds. */
  timeoutMs?: number;
  maxRetries?: number;
}

export interface BlobProperties {
  /** Content-Length: where the next Append Block starts. */
  size: number;
  /** x-ms-blob-committed-block-count: an append blob holds at most 50,000 blocks. */
  blocks: number;
}

export type AppendOutcome = 'appended' | 'position-moved' | 'full';

/**
 * Shared Key for the Blob service (Authorize with Shared Key, version 2009-09-19 and later): the signature covers
 * the verb, the standard headers in a fixed order (Content-Length empty when zero), the x-ms-* headers sorted, and
 * the resource: "/" + account + the URL path (with Azurite's path-style URL the account appears twice), then each
 * query parameter as "\nname:value" in name order.
 */
export function sharedKeyStringToSign(request: PipelineRequest, account: string): string {
  const h = (name: string) => request.headers.get(name) ?? '';
  const length = h('content-length');
  const standard = [
    request.method,
    h('content-encoding'),
    h('content-language'),
    length === '0' ? '' : length,
    h('content-md5'),
    h('content-type'),
    '', // Date: x-ms-date is sent instead.
    h('if-modified-since'),
    h('if-match'),
    h('if-none-match'),
    h('if-unmodified-since'),
    h('range'),
  ];
  const msHeaders = [...request.headers]
    .map(([name, value]) => [name.toLowerCase(), value.trim()] as const)
    .filter(([name]) => name.startsWith('x-ms-'))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}:${value}\n`)
    .join('');
  const url = new URL(request.url);
  const query = [...url.searchParams]
    .map(([name, value]) => [name.toLowerCase(), value] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `\n${name}:${value}`)
    .join('');
  return `${standard.join('\n')}\n${msHeaders}/${account}${url.pathname}${query}`;
}

function sharedKeyPolicy(account: string, key: string): PipelinePolicy {
  const secret = Buffer.from(key, 'base64');
  return {
    name: 'blobSharedKey',
    sendRequest(request, next) {
      // Set on every attempt (this policy runs after the retry policy), so a retried request is signed anew.
      request.headers.set('x-ms-date', new Date().toUTCString());
      const signature = createHmac('sha256', secret)
        .update(sharedKeyStringToSign(request, account), 'utf8')
        .digest('base64');
      request.headers.set('authorization', `SharedKey ${account}:${signature}`);
      return next(request);
    },
  };
}

export class AppendBlobClient {
  private readonly pipeline: Pipeline;
  private readonly http: HttpClient = createDefaultHttpClient();
  private readonly base: string;
  private readonly insecure: boolean;

  constructor(private readonly options: AppendBlobClientOptions) {
    this.base = `${options.endpoint.replace(/\/+$/, '')}/${encodeURIComponent(options.container)}`;
    const url = new URL(options.endpoint);
    this.insecure = url.protocol === 'http:' && isLoopbackHost(url.hostname);
    this.pipeline = createPipelineFromOptions({ retryOptions: { maxRetries: options.maxRetries ?? 3 } });
    const auth = options.auth;
    this.pipeline.addPolicy(
      auth.kind === 'shared-key'
        ? sharedKeyPolicy(auth.account, auth.key)
        : bearerTokenAuthenticationPolicy({ credential: auth.credential, scopes: STORAGE_SCOPE }),
      { phase: 'Sign' },
    );
  }

  /** Get Blob Properties; undefined when the blob does not exist. */
  async properties(blob: string): Promise<BlobProperties | undefined> {
    const res = await this.send('HEAD', blob, `Reading the properties of ${blob}`, {}, [200, 404]);
    if (res.status === 404) return undefined;
    return {
      size: Number(res.headers.get('content-length') ?? 0),
      blocks: Number(res.headers.get('x-ms-blob-committed-block-count') ?? 0),
    };
  }

  /**
   * Put Blob of an empty append blob, only if the blob does not exist yet (If-None-Match: *), creating the container
   * first when it is missing (locally; in Azure the deployment creates it with its immutability policy).
   */
  async create(blob: string): Promise<'created' | 'exists'> {
    const put = () =>
      this.send(
        'PUT',
        blob,
        `Creating the append blob ${blob}`,
        { 'x-ms-blob-type': 'AppendBlob', 'if-none-match': '*', 'content-length': '0' },
        [201, 404, 409, 412],
      );
    let res = await put();
    if (res.status === 404 && res.headers.get('x-ms-error-code') === 'ContainerNotFound') {
      await this.createContainer();
      res = await put();
    }
    if (res.status === 201) return 'created';
    if (res.status === 409 || res.status === 412) return 'exists';
    throw this.failure(`Creating the append blob ${blob}`, res.status, res.headers.get('x-ms-error-code'));
  }

  /**
   * Append Block, only at `position` (x-ms-blob-condition-appendpos): a retry of a block that had landed, or a
   * concurrent writer, answers 412 AppendPositionConditionNotMet instead of writing it twice. A blob at its 50,000
   * blocks answers 409 BlockCountExceedsLimit.
   */
  async append(blob: string, data: string, position: number): Promise<AppendOutcome> {
    const body = Buffer.from(data, 'utf8');
    const res = await this.send(
      'PUT',
      blob,
      `Appending to ${blob}`,
      {
        'x-ms-blob-condition-appendpos': String(position),
        'content-length': String(body.length),
        'content-type': 'application/x-ndjson',
      },
      [201, 409, 412],
      { comp: 'appendblock' },
      body,
    );
    if (res.status === 201) return 'appended';
    const code = res.headers.get('x-ms-error-code');
    if (res.status === 412 && code === 'AppendPositionConditionNotMet') return 'position-moved';
    if (res.status === 409 && code === 'BlockCountExceedsLimit') return 'full';
    throw this.failure(`Appending to ${blob}`, res.status, code);
  }

  /** Get Blob (from byte `from` to the end when given); undefined when the blob does not exist. */
  async read(blob: string, from?: number): Promise<string | undefined> {
    const range: Record<string, string> = from !== undefined && from > 0 ? { 'x-ms-range': `bytes=${from}-` } : {};
    const res = await this.send('GET', blob, `Reading ${blob}`, range, [200, 206, 404, 416]);
    if (res.status === 404) return undefined;
    return res.status === 416 ? '' : (res.bodyAsText ?? '');
  }

  private async createContainer(): Promise<void> {
    const what = `Creating the container ${this.options.container}`;
    const request = this.request('PUT', undefined, { 'content-length': '0' }, { restype: 'container' });
    const res = await this.pipeline.sendRequest(this.http, request);
    // 409: created meanwhile by another writer.
    if (res.status !== 201 && res.status !== 409)
      throw this.failure(what, res.status, res.headers.get('x-ms-error-code'));
  }

  private request(
    method: 'GET' | 'HEAD' | 'PUT',
    blob: string | undefined,
    headers: Record<string, string>,
    query: Record<string, string> = {},
    body?: Buffer,
  ): PipelineRequest {
    const path = blob === undefined ? '' : `/${blob.split('/').map(encodeURIComponent).join('/')}`;
    const search = new URLSearchParams(query).toString();
    return createPipelineRequest({
      url: `${this.base}${path}${search ? `?${search}` : ''}`,
      method,
      headers: createHttpHeaders({ 'x-ms-version': API_VERSION, ...headers }),
      body,
      timeout: this.options.timeoutMs ?? 30_000,
      // Plain http only to Azurite on loopback; anything else stays https-only.
      allowInsecureConnection: this.insecure,
    });
  }

  private async send(
    method: 'GET' | 'HEAD' | 'PUT',
    blob: string,
    what: string,
    headers: Record<string, string>,
    expected: number[],
    query: Record<string, string> = {},
    body?: Buffer,
  ) {
    let res;
    try {
      res = await this.pipeline.sendRequest(this.http, this.request(method, blob, headers, query, body));
    } catch (error) {
      throw new StoreError(`${what} failed: ${error instanceof Error ? error.message : String(error)}`, error);
    }
    if (!expected.includes(res.status)) throw this.failure(what, res.status, res.headers.get('x-ms-error-code'));
    return res;
  }

  private failure(what: string, status: number, code: string | undefined): StoreError {
    const hint =
      status === 403
        ? `; give the watchdog's identity 'Storage Blob Data Contributor' on the container ${this.options.container}`
        : status === 404
          ? `; the container ${this.options.container} does not exist (infra/main.bicep creates it)`
          : '';
    return new StoreError(`${what} failed: HTTP ${status}${code ? ` ${code}` : ''}${hint}.`);
  }
}
