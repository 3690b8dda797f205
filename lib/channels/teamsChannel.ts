/**
 * Microsoft Teams through a Workflows webhook ("Post to a channel when a webhook request is received"): the
 * message is posted as is (an Adaptive Card attachment, lib/notify/teamsCard.ts). The URL carries its own
 * signature, so it is a secret: it is never logged and errors never repeat it.
 */
import type { Clock, Logger, NoticeChannel, SentMailStore } from '../ports/index.js';
import type { RetryPolicy } from '../http/retryPolicy.js';
import { channelPoster } from './channelPost.js';
import { OutboxChannel } from './outboxChannel.js';

export interface TeamsChannelOptions {
  url: string;
  outbox: SentMailStore;
  clock: Clock;
  logger?: Logger;
  policy?: Partial<RetryPolicy>;
}

export function teamsChannel(options: TeamsChannelOptions): NoticeChannel {
  const post = channelPoster({ service: 'Teams webhook', policy: options.policy, logger: options.logger });
  return new OutboxChannel({
    name: 'teams',
    outbox: options.outbox,
    clock: options.clock,
    logger: options.logger,
    post: (message) =>
      post(() => ({
        method: 'POST',
        url: options.url,
        headers: { 'content-type': 'application/json' },
        body: message.body,
      })),
  });
}
