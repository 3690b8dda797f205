/**
 * Saves what the demo's notices looked like on the other channels, next to the emails: each Teams card message as
 * teams/NN-<title>.json, each webhook event with its verification as webhook/NN-<kind>.json, each Logs Ingestion
 * upload as logs/NN-<kind>.ndjson (one row a line, as the table holds them). Files of an earlier run are removed.
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LogsUpload, TeamsPost, WebhookDelivery } from '../../emulator/index.js';
import { fileStem } from './emailFiles.js';

export interface ChannelOutput {
  teams: TeamsPost[];
  webhook: WebhookDelivery[];
  logs: LogsUpload[];
}

const CHANNEL_FILE = /^\d{2,}-[a-z0-9-]*\.(json|ndjson)$/;

/** The first text of a card: its title line, which names the notice. */
function cardTitle(message: unknown): string {
  const found = JSON.stringify(message ?? {}).match(/"text":"((?:[^"\\]|\\.)*)"/);
  return found ? (JSON.parse(`"${found[1]}"`) as string).replace(/\\(.)/g, '$1') : 'card';
}

function kindOf(value: unknown, key: 'kind' | 'Kind'): string {
  const kind = (value as Record<string, unknown> | undefined)?.[key];
  return typeof kind === 'string' ? kind : 'event';
}

async function writeAll(dir: string, files: [string, string][]): Promise<number> {
  await mkdir(dir, { recursive: true });
  for (const name of await readdir(dir)) if (CHANNEL_FILE.test(name)) await rm(join(dir, name));
  for (const [name, content] of files) await writeFile(join(dir, name), content);
  return files.length;
}

export async function saveChannelOutput(
  dir: string,
  output: ChannelOutput,
): Promise<Record<keyof ChannelOutput, number>> {
  const teams = output.teams.map((p, i): [string, string] => [
    `${fileStem(i + 1, cardTitle(p.message))}.json`,
    `${JSON.stringify(p.message, null, 2)}\n`,
  ]);
  const webhook = output.webhook.map((d, i): [string, string] => [
    `${fileStem(i + 1, kindOf(d.event, 'kind'))}.json`,
    `${JSON.stringify({ receivedAt: d.at, verified: d.verified, duplicate: d.duplicate, event: d.event }, null, 2)}\n`,
  ]);
  const logs = output.logs.map((u, i): [string, string] => [
    `${fileStem(i + 1, kindOf(u.rows[0], 'Kind'))}.ndjson`,
    u.rows.map((r) => JSON.stringify(r)).join('\n') + '\n',
  ]);
  return {
    teams: await writeAll(join(dir, 'teams'), teams),
    webhook: await writeAll(join(dir, 'webhook'), webhook),
    logs: await writeAll(join(dir, 'logs'), logs),
  };
}
