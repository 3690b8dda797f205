/** docs/webhook-event.schema.json is what `npm run docs:webhook` generates from the schema events are checked against. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NOTICE_KINDS } from '../../lib/notify/noticeKinds.js';
import { renderWebhookSchema, WEBHOOK_SCHEMA_FILE } from '../../scripts/webhookSchema.js';

describe('docs/webhook-event.schema.json', () => {
  it('is up to date (npm run docs:webhook) and lists every notice kind', async () => {
    const text = readFileSync(WEBHOOK_SCHEMA_FILE, 'utf8');
    expect(text).toBe(await renderWebhookSchema());
    const schema = JSON.parse(text);
    expect(schema.properties.kind.enum).toEqual(Object.keys(NOTICE_KINDS));
    expect(schema.required).toEqual(expect.arrayContaining(['specVersion', 'id', 'kind', 'severity', 'occurredAt']));
  });
});
