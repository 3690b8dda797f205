/**
 * Writes docs/webhook-event.schema.json, the JSON Schema of every generic webhook event, from the valibot schema
 * the tests validate delivered events with (lib/notify/webhookEventSchema.ts). Run by `npm run docs:webhook`;
 * test/docs/webhookSchema.unit.test.ts fails when the file is out of date. Only this script and the tests import
 * the schema, so it never reaches the function bundle.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { toJsonSchema } from '@valibot/to-json-schema';
import { format, resolveConfig } from 'prettier';
import { webhookEventSchema } from '../lib/notify/webhookEventSchema.js';

export const WEBHOOK_SCHEMA_FILE = resolve(import.meta.dirname, '..', 'docs', 'webhook-event.schema.json');

export async function renderWebhookSchema(): Promise<string> {
  const schema = {
    ...toJsonSchema(webhookEventSchema, { target: 'draft-2020-12', errorMode: 'throw' }),
    title: 'mie-watchdog webhook event',
    description:
      'One notice of mie-watchdog as the generic webhook posts it (docs/notifications.md). Verify X-Watchdog-Signature before trusting it; deduplicate on id.',
  };
  const options = (await resolveConfig(WEBHOOK_SCHEMA_FILE)) ?? {};
  return format(JSON.stringify(schema), { ...options, parser: 'json' });
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  writeFileSync(WEBHOOK_SCHEMA_FILE, await renderWebhookSchema());
  console.log(`Wrote ${WEBHOOK_SCHEMA_FILE}.`);
}
