/**
 * The one JSON schema of every webhook event, whatever its kind: published as JSON Schema in
 * docs/webhook-event.schema.json (`npm run docs:notifications`; a test fails when it drifts), and what the tests
 * validate every delivered event against, as a receiver would.
 */
import * as v from 'valibot';
import { NOTICE_KINDS, type NoticeKind } from './noticeKinds.js';

const KINDS = Object.keys(NOTICE_KINDS) as [NoticeKind, ...NoticeKind[]];

const instantText = v.pipe(v.string(), v.isoTimestamp(), v.description('An instant, ISO 8601 UTC.'));

export const webhookEventSchema = v.object({
  specVersion: v.pipe(v.literal('1'), v.description('Version of this schema; a breaking change gets a new one.')),
  id: v.pipe(
    v.string(),
    v.minLength(1),
    v.description('The notice key: the same event always has the same id, also when it is delivered again.'),
  ),
  kind: v.pipe(v.picklist(KINDS), v.description('What happened (docs/notifications.md lists every kind).')),
  severity: v.picklist(['info', 'low', 'medium', 'high', 'critical']),
  occurredAt: instantText,
  subject: v.pipe(v.string(), v.description('One line: the email subject.')),
  summary: v.pipe(v.string(), v.description('One sentence: what happened and what to do.')),
  title: v.string(),
  paragraphs: v.array(v.string()),
  url: v.optional(v.pipe(v.string(), v.url(), v.description("The web app's page of this event (WATCHDOG_WEB_URL)."))),
  refs: v.pipe(
    v.object({
      tenant: v.optional(v.string()),
      grantId: v.optional(v.string()),
      principal: v.optional(v.string()),
      assignmentGuid: v.optional(v.string()),
    }),
    v.description('What the event is about, as ids to join on.'),
  ),
  facts: v.array(
    v.object({
      label: v.string(),
      text: v.pipe(v.string(), v.description('The value as people read it.')),
      instant: v.optional(instantText),
      durationMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
    }),
  ),
  tables: v.array(
    v.object({
      title: v.string(),
      columns: v.array(v.string()),
      rows: v.pipe(
        v.array(v.array(v.string())),
        v.description('Cells in column order; instants ISO 8601 UTC, durations ISO 8601.'),
      ),
    }),
  ),
});

export type WebhookEvent = v.InferOutput<typeof webhookEventSchema>;
