/**
 * The `aud` values a token for the watchdog API may carry. A v2.0 token's audience is always the API's
 * client id; a v1.0 token's is the client id or the resource URI the client asked for (Access token
 * claims reference, `aud`), usually the application ID URI. The default application ID URI is
 * `api://{client id}`, so either one configured implies the other; a custom URI is listed beside the id.
 */

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function apiAudiences(configured: readonly string[]): string[] {
  const out = new Set<string>();
  for (const value of configured) {
    out.add(value);
    if (GUID.test(value)) out.add(`api://${value.toLowerCase()}`).add(value.toLowerCase());
    const id = /^api:\/\/([^/]+)$/i.exec(value)?.[1];
    if (id && GUID.test(id)) out.add(id.toLowerCase());
  }
  return [...out];
}

/** A client id (GUID) or an absolute URI; anything else cannot be an audience. */
export function isAudience(value: string): boolean {
  return GUID.test(value) || /^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(value);
}
