/**
 * A Microsoft Teams Workflows webhook ("Post to a channel when a webhook request is received"):
 * `POST /workflows/{id}/triggers/manual/paths/invoke?api-version=1&sp=...&sv=1.0&sig=...`, the URL carrying its own
 * signature. The real trigger answers 202 Accepted and posts the card in a flow run of its own, where a message
 * that is no Adaptive Card or is over Teams' 28 KB fails; the emulator refuses those at the door (400, 413) so a test
 * sees the failure the flow run would show.
 * (the 28 KB limit: https://learn.microsoft.com/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook)
 */
import type { EmulatorContext } from '../context.js';
import type { Reply } from '../http.js';

export const TEAMS_WORKFLOW = /^\/workflows\/([^/]+)\/triggers\/manual\/paths\/invoke$/;

/** The signature of the emulator's workflow URL (the real one is the flow's SAS signature). */
const SIGNATURE = 'emulator-workflow-signature';
const WORKFLOW_ID = '0e0e0e0e0e0e4e0e8e0e0e0e0e0e0e0e';
/** Teams refuses a message over 28 KB. */
const MAX_BYTES = 28 * 1024;
const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';

export function teamsWorkflowUrl(baseUrl: string): string {
  return `${baseUrl}/workflows/${WORKFLOW_ID}/triggers/manual/paths/invoke?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${SIGNATURE}`;
}

const refusal = (status: number, code: string, message: string): Reply => ({
  status,
  body: { error: { code, message } },
});

interface Attachment {
  contentType?: unknown;
  content?: { type?: unknown; version?: unknown; body?: unknown };
}

/** What is wrong with the message as a card post, if anything. */
function messageProblem(message: unknown): string | undefined {
  const m = message as { type?: unknown; attachments?: Attachment[] } | undefined;
  if (!m || typeof m !== 'object') return 'the body is not a JSON object';
  if (m.type !== 'message') return 'type must be "message"';
  if (!Array.isArray(m.attachments) || m.attachments.length === 0) return 'attachments must hold an Adaptive Card';
  for (const a of m.attachments) {
    if (a.contentType !== ADAPTIVE_CARD) return `an attachment's contentType must be ${ADAPTIVE_CARD}`;
    if (a.content?.type !== 'AdaptiveCard' || typeof a.content.version !== 'string' || !Array.isArray(a.content.body))
      return 'an attachment content must be an AdaptiveCard with a version and a body';
  }
  return undefined;
}

function refusalOf(url: URL, raw: Buffer, message: unknown): Reply | undefined {
  if (url.searchParams.get('sig') !== SIGNATURE)
    return refusal(401, 'Unauthorized', 'The workflow URL signature (sig) is missing or wrong.');
  if (raw.length > MAX_BYTES)
    return refusal(413, 'MessageTooLarge', `The message is ${raw.length} bytes; Teams takes at most ${MAX_BYTES}.`);
  const problem = messageProblem(message);
  return problem ? refusal(400, 'InvalidRequestContent', `Not a card message: ${problem}.`) : undefined;
}

export function postToWorkflow(
  ctx: EmulatorContext,
  workflowId: string,
  url: URL,
  raw: Buffer,
  message: unknown,
): Reply {
  const refused = refusalOf(url, raw, message);
  const status = refused?.status ?? 202;
  ctx.channels.teams.push({
    at: ctx.state.clock.now().toISOString(),
    workflowId,
    status,
    ...(refused ? { problem: (refused.body as { error: { message: string } }).error.message } : {}),
    bytes: raw.length,
    message,
  });
  return refused ?? { status: 202 };
}
