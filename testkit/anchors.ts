/** The journal's anchor log on an Azurite blob service, as the runtime opens it for a table prefix. */
import { AppendBlobClient } from '../lib/blob/appendBlobClient.js';
import { createBlobAnchorLog } from '../lib/blob/blobAnchorLog.js';
import { connectionStringEndpoint, DEVELOPMENT_ACCOUNT } from '../lib/endpoints.js';
import type { AnchorLog } from '../lib/ports/index.js';

/** The blob client of an anchor container on Azurite, signed with Azurite's development key. */
export function azuriteBlobClient(connectionString: string, container = 'journal-anchors'): AppendBlobClient {
  return new AppendBlobClient({
    endpoint: connectionStringEndpoint(connectionString, 'blob') ?? '',
    container,
    auth: { kind: 'shared-key', account: DEVELOPMENT_ACCOUNT.name, key: DEVELOPMENT_ACCOUNT.key },
  });
}

export function azuriteAnchors(connectionString: string, prefix: string): AnchorLog {
  return createBlobAnchorLog(azuriteBlobClient(connectionString), {
    prefix,
    location: 'container journal-anchors on Azurite',
  });
}
