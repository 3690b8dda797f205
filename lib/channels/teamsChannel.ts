/**
 * Microsoft Teams through a Workflows webhook ("Post to a channel when a webhook request is received"): the
 * message is posted as is (an Adaptive Card attachment, lib/notify/teamsCard.ts). The URL carries its own
 * signature, so it is a secret: it is never logged and errors never repeat it.
 */
import type { NoticeChannel } from '../ports/index.js';
import { jsonPostChannel, type PostingChannelOptions } from './channelPost.js';

export interface TeamsChannelOptions extends PostingChannelOptions {
  url: string;
}

export function teamsChannel(options: TeamsChannelOptions): NoticeChannel {
  return jsonPostChannel({ ...options, name: 'teams', service: 'Teams webhook' });
}
