/**
 * What the emulator's notification endpoints received (Teams Workflows webhook, the generic webhook receiver, Logs
 * Ingestion) and the data collection rules its Logs Ingestion endpoint serves. Every request is recorded, accepted
 * or not, so a test or the demo sees exactly what went over the wire.
 */
import { EMULATOR_LOGS_RULE_ID, EMULATOR_LOGS_STREAM, EMULATOR_WEBHOOK_SECRET } from '../../contract/emulator.js';

export interface TeamsPost {
  /** Emulator clock time. */
  at: string;
  workflowId: string;
  /** The HTTP status the emulator answered. */
  status: number;
  /** Why it was refused, when it was. */
  problem?: string;
  bytes: number;
  /** The request body parsed (undefined when it was not JSON). */
  message: unknown;
}

export interface WebhookDelivery {
  at: string;
  path: string;
  status: number;
  /** The signature matched the body and the timestamp was within five minutes of the emulator clock. */
  verified: boolean;
  problem?: string;
  eventId?: string;
  timestamp?: string;
  /** A verified event whose id was received verified before (receivers skip it). */
  duplicate: boolean;
  event: unknown;
}

export interface LogsUpload {
  at: string;
  ruleId: string;
  stream: string;
  status: number;
  problem?: string;
  /** The rows as sent (an accepted upload's rows are what the table would hold). */
  rows: unknown[];
}

/** A data collection rule: the streams it declares, and whether the watchdog's identity may ingest through it. */
export interface DataCollectionRule {
  streams: string[];
  /** The role "Monitoring Metrics Publisher" on the rule; without it uploads answer 403. */
  publisher: boolean;
}

export interface ChannelState {
  teams: TeamsPost[];
  webhook: WebhookDelivery[];
  logs: LogsUpload[];
  webhookSecret: string;
  rules: Map<string, DataCollectionRule>;
}

export function newChannelState(webhookSecret = EMULATOR_WEBHOOK_SECRET): ChannelState {
  return {
    teams: [],
    webhook: [],
    logs: [],
    webhookSecret,
    rules: new Map([[EMULATOR_LOGS_RULE_ID, { streams: [EMULATOR_LOGS_STREAM], publisher: true }]]),
  };
}

/** Back to what the emulator started with: nothing received, the one rule as seeded. */
export function resetChannelState(state: ChannelState): void {
  const fresh = newChannelState(state.webhookSecret);
  state.teams.length = 0;
  state.webhook.length = 0;
  state.logs.length = 0;
  state.rules = fresh.rules;
}

export function validateRule(rule: unknown): string | undefined {
  const r = rule as Partial<DataCollectionRule> | undefined;
  if (!r || typeof r !== 'object') return 'a rule is {"streams": ["Custom-..."], "publisher": true|false}';
  if (!Array.isArray(r.streams) || !r.streams.every((s) => typeof s === 'string' && s !== ''))
    return 'streams is a list of stream names';
  if (r.publisher !== undefined && typeof r.publisher !== 'boolean') return 'publisher is true or false';
  return undefined;
}
