/** Raw HTTP helpers for the emulator route tests: the requests a real client sends, nothing more. */
import { EMULATOR_TOKEN } from '../../contract/emulator.js';
import type { RunningEmulator } from '../../emulator/server.js';

export const ANCHOR = (tenant: string) => `APP:SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}@${tenant}`;

/** Response bodies are whatever the service sent; tests assert on their shape. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface RawResponse {
  status: number;
  headers: Headers;
  body: Json;
}

async function toRaw(res: Response): Promise<RawResponse> {
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

export async function invoke(
  emu: RunningEmulator,
  cmdlet: string,
  parameters: Record<string, unknown> = {},
  options: { url?: string; headers?: Record<string, string>; maxPageSize?: number; tenant?: string } = {},
): Promise<RawResponse> {
  const tenant = options.tenant ?? emu.tenant;
  const headers: Record<string, string> = {
    Authorization: `Bearer ${EMULATOR_TOKEN}`,
    'X-AnchorMailbox': ANCHOR(emu.tenant),
    'Content-Type': 'application/json',
    ...(options.maxPageSize ? { Prefer: `odata.maxpagesize=${options.maxPageSize}` } : {}),
    ...options.headers,
  };
  for (const [k, v] of Object.entries(headers)) if (v === '') delete headers[k];
  const res = await fetch(options.url ?? `${emu.url}/adminapi/beta/${tenant}/InvokeCommand`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ CmdletInput: { CmdletName: cmdlet, Parameters: parameters } }),
  });
  return toRaw(res);
}

/** Follows @odata.nextLink, re-POSTing the same body, and returns every row and the page count. */
export async function invokeAll(
  emu: RunningEmulator,
  cmdlet: string,
  parameters: Record<string, unknown>,
  maxPageSize?: number,
): Promise<{ rows: Json[]; pages: number }> {
  const rows: Json[] = [];
  let url: string | undefined;
  let pages = 0;
  do {
    const res = await invoke(emu, cmdlet, parameters, { url, maxPageSize });
    if (res.status !== 200) throw new Error(`${cmdlet}: ${res.status} ${JSON.stringify(res.body)}`);
    rows.push(...res.body.value);
    url = res.body['@odata.nextLink'];
    pages++;
  } while (url);
  return { rows, pages };
}

export async function graph(
  emu: RunningEmulator,
  path: string,
  init: { method?: string; body?: unknown; token?: string | null } = {},
): Promise<RawResponse> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (init.token !== null) headers.Authorization = `Bearer ${init.token ?? EMULATOR_TOKEN}`;
  const res = await fetch(path.startsWith('http') ? path : `${emu.url}${path}`, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return toRaw(res);
}

export async function control(
  emu: RunningEmulator,
  method: string,
  path: string,
  body?: unknown,
): Promise<RawResponse> {
  const res = await fetch(`${emu.url}/_emulator${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return toRaw(res);
}

/** The cmdlet error carried in details[0].message. */
/** The `Id|Type|Message` detail of a cmdlet error envelope, split as real callers split it. */
export function cmdletFailure(body: Json): { Id: string; TypeName: string; Message: string } {
  const [Id = '', TypeName = '', ...message] = String(body.error.details[0].message).split('|');
  return { Id, TypeName, Message: message.join('|') };
}
