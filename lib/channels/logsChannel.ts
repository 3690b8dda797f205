/**
 * Azure Monitor Logs (and Microsoft Sentinel on the same workspace) through the Logs Ingestion API: the rows
 * (lib/notify/logRows.ts) are posted to the data collection rule's stream with a managed identity token
 * (role "Monitoring Metrics Publisher" on the rule, granted by infra/). REST over the transport the bundle already
 * has instead of @azure/monitor-ingestion: one small POST per notice needs neither its batching nor its gzip
 * worker, and every package added to the function bundle adds to its size budget and cold start.
 * https://learn.microsoft.com/azure/azure-monitor/logs/logs-ingestion-api-overview
 */
import type { TokenCredential } from '@azure/identity';
import type { NoticeChannel } from '../ports/index.js';
import { accessToken } from '../http/accessToken.js';
import { jsonPostChannel, type PostingChannelOptions } from './channelPost.js';

export interface LogsChannelOptions extends PostingChannelOptions {
  /** The data collection endpoint's logs ingestion URL (https://<dce>.<region>.ingest.monitor.azure.com). */
  endpoint: string;
  /** The data collection rule's immutable id (dcr-...). */
  ruleId: string;
  /** The rule's input stream (Custom-MieWatchdog_CL). */
  stream: string;
  credential: TokenCredential;
}

/** The audience of the Logs Ingestion API. */
const SCOPE = 'https://monitor.azure.com/.default';
const API_VERSION = '2023-01-01';

export function logsChannel(options: LogsChannelOptions): NoticeChannel {
  const url = `${options.endpoint.replace(/\/+$/, '')}/dataCollectionRules/${encodeURIComponent(options.ruleId)}/streams/${encodeURIComponent(options.stream)}?api-version=${API_VERSION}`;
  const context = { service: 'Logs Ingestion' as const, operation: 'upload rows' };
  return jsonPostChannel({
    ...options,
    name: 'logs',
    service: 'Logs Ingestion',
    url,
    headers: async () => ({ authorization: `Bearer ${await accessToken(options.credential, SCOPE, context)}` }),
  });
}
