/**
 * The Graph SDK's last middleware: sends through the shared HttpTransport (timeouts, bounded retries honouring
 * Retry-After) and attaches the bearer token on every attempt. The SDK's own AuthenticationHandler only
 * authenticates https Graph hosts, so it cannot serve the loopback emulator; its RetryHandler neither retries
 * resets nor bounds a long Retry-After. Failures without a response travel through the SDK inside a
 * GraphClientError (the one error type it passes on untouched) and are unwrapped by `unwrapGraphFailure`.
 */
import {
  GraphClientError,
  type AuthenticationProvider,
  type Context,
  type Middleware,
} from '@microsoft/microsoft-graph-client';
import type { TokenCredential } from '@azure/identity';
import { accessToken } from '../http/accessToken.js';
import { ExternalCallError, type CallContext } from '../ports/index.js';
import type { HttpResponse, HttpTransport } from '../http/transport.js';

/** Graph's AuthenticationProvider over the app's TokenCredential. */
export class TokenCredentialAuthProvider implements AuthenticationProvider {
  constructor(
    private readonly credential: TokenCredential,
    readonly scope: string,
  ) {}

  getAccessToken(): Promise<string> {
    return accessToken(this.credential, this.scope, { service: 'Microsoft Graph', operation: 'token' });
  }
}

/** Transport details of a final response (attempts, Retry-After), found again from the GraphError's headers. */
const responseInfo = new WeakMap<Headers, HttpResponse>();

export function transportInfo(headers: unknown): HttpResponse | undefined {
  return headers instanceof Headers ? responseInfo.get(headers) : undefined;
}

export class GraphTransportMiddleware implements Middleware {
  constructor(
    private readonly transport: HttpTransport,
    private readonly auth: AuthenticationProvider,
  ) {}

  async execute(context: Context): Promise<void> {
    // RequestInfo is a DOM type this Node build does not declare: the SDK passes a URL string or a Request.
    const request = context.request as string | { url: string };
    const url = typeof request === 'string' ? request : request.url;
    const method = (context.options?.method ?? 'GET').toUpperCase();
    const headers = plainHeaders(context.options?.headers);
    const body = typeof context.options?.body === 'string' ? context.options.body : undefined;
    const call: CallContext = { service: 'Microsoft Graph', operation: `${method} ${new URL(url).pathname}` };
    let response: HttpResponse;
    try {
      response = await this.transport.send(
        async () => ({
          method,
          url,
          body,
          headers: { ...headers, Authorization: `Bearer ${await this.auth.getAccessToken()}` },
        }),
        call,
      );
    } catch (error) {
      if (!(error instanceof ExternalCallError)) throw error;
      const wrapped = new GraphClientError(error.message);
      wrapped.customError = error;
      throw wrapped;
    }
    const nullBody = response.status === 204 || response.status === 205 || response.status === 304;
    const synthetic = new Response(nullBody ? null : response.text, {
      status: response.status,
      headers: response.headers,
    });
    responseInfo.set(synthetic.headers, response);
    context.response = synthetic;
  }
}

export function unwrapGraphFailure(error: unknown): unknown {
  if (error instanceof GraphClientError && error.customError instanceof ExternalCallError) return error.customError;
  return error;
}

function plainHeaders(headers: unknown): Record<string, string> {
  if (!headers) return {};
  if (headers instanceof Headers) return Object.fromEntries(headers.entries());
  if (Array.isArray(headers)) return Object.fromEntries(headers as [string, string][]);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers as Record<string, unknown>))
    if (typeof v === 'string' || typeof v === 'number') out[k] = String(v);
  return out;
}
