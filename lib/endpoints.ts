/** Where a service lives: pure rules the settings and the adapters that open connections share. */

/** Loopback only: the emulator, Azurite and test doubles; never a remote host. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(?:\.\d{1,3}){3}$/.test(h);
}

/** The parts of a connection string, by lower-cased key. */
export function connectionStringParts(connectionString: string): Map<string, string> {
  const parts = new Map<string, string>();
  for (const piece of connectionString.split(';')) {
    const eq = piece.indexOf('=');
    if (eq > 0) parts.set(piece.slice(0, eq).trim().toLowerCase(), piece.slice(eq + 1).trim());
  }
  return parts;
}

/**
 * Azurite's development account: published in Microsoft's Azurite documentation for every local emulator, never a
 * credential of a real account (UseDevelopmentStorage=true means it).
 */
export const DEVELOPMENT_ACCOUNT = {
  name: 'devstoreaccount1',
  key: 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==',
};

/** Azurite's default ports, as UseDevelopmentStorage=true means them. */
const DEVELOPMENT_STORAGE = {
  table: 'http://127.0.0.1:10002/devstoreaccount1',
  blob: 'http://127.0.0.1:10000/devstoreaccount1',
};

/** The endpoint a connection string points at (ACS `endpoint=`, storage `TableEndpoint=`/`BlobEndpoint=` or account name). */
export function connectionStringEndpoint(
  connectionString: string,
  kind: 'email' | 'table' | 'blob',
): string | undefined {
  const parts = connectionStringParts(connectionString);
  if (kind === 'email') return parts.get('endpoint');
  if (parts.get('usedevelopmentstorage')?.toLowerCase() === 'true') return DEVELOPMENT_STORAGE[kind];
  const explicit = parts.get(`${kind}endpoint`);
  if (explicit) return explicit;
  const account = parts.get('accountname');
  if (!account) return undefined;
  const protocol = parts.get('defaultendpointsprotocol') ?? 'https';
  const suffix = parts.get('endpointsuffix') ?? 'core.windows.net';
  return `${protocol}://${account}.${kind}.${suffix}`;
}

/** The blob endpoint of the account whose table endpoint this is (`https://acct.table.<suffix>` to `.blob.`). */
export function blobEndpointOfTableEndpoint(tableEndpoint: string): string | undefined {
  const url = new URL(tableEndpoint);
  const [account, service, ...suffix] = url.hostname.split('.');
  if (service !== 'table' || !account || !suffix.length) return undefined;
  return `${url.protocol}//${[account, 'blob', ...suffix].join('.')}`;
}
