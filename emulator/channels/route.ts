/** The notification endpoints' routes: which call it is (for faults and the call log) and who answers it. */
import type { IncomingMessage } from 'node:http';
import type { EmulatorContext } from '../context.js';
import type { CallTarget } from '../faults.js';
import type { Reply } from '../http.js';
import { LOGS_UPLOAD, uploadLogs } from './logsIngestion.js';
import { postToWorkflow, TEAMS_WORKFLOW } from './teamsWorkflow.js';
import { receiveWebhook, WEBHOOK_RECEIVER } from './webhookReceiver.js';

export interface ChannelRoute {
  target: CallTarget;
  parameters: Record<string, unknown>;
  run(): Reply;
}

export function channelRoute(
  ctx: EmulatorContext,
  req: IncomingMessage,
  url: URL,
  raw: Buffer,
  body: unknown,
): ChannelRoute | undefined {
  if (req.method !== 'POST') return undefined;
  const workflow = TEAMS_WORKFLOW.exec(url.pathname);
  if (workflow)
    return {
      target: { api: 'teams', name: 'post' },
      parameters: { workflowId: workflow[1] },
      run: () => postToWorkflow(ctx, workflow[1] as string, url, raw, body),
    };
  if (WEBHOOK_RECEIVER.test(url.pathname)) {
    const eventId = req.headers['x-watchdog-event-id'];
    return {
      target: { api: 'webhook', name: 'post' },
      parameters: typeof eventId === 'string' ? { eventId } : {},
      run: () => receiveWebhook(ctx, req, url, raw, body),
    };
  }
  const logs = LOGS_UPLOAD.exec(url.pathname);
  if (logs)
    return {
      target: { api: 'logs', name: 'upload' },
      parameters: { ruleId: decodeURIComponent(logs[1] as string), stream: decodeURIComponent(logs[2] as string) },
      run: () => uploadLogs(ctx, req, url, raw, logs),
    };
  return undefined;
}
