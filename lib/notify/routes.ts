/**
 * Which notices go to which channel (WATCHDOG_ROUTES): per channel, the kinds (names or globs like `grant-*`,
 * `*` for all) and the least severity. `teams: * >= high; logs: *; webhook: drift, grant-*` sends Teams only
 * what is high or critical. A channel without a route gets every notice; email keeps its recipients per kind.
 */
import type { ChannelName } from '../ports/index.js';
import { NOTICE_KINDS, type NoticeKind, type NoticeSeverity } from './noticeKinds.js';

export type RouteChannel = 'email' | ChannelName;

export interface Route {
  kinds: ReadonlySet<NoticeKind>;
  minSeverity: NoticeSeverity;
}

export type Routes = Partial<Record<RouteChannel, Route>>;

const CHANNELS: RouteChannel[] = ['email', 'teams', 'webhook', 'logs'];
const RANK: Record<NoticeSeverity, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };
const KINDS = Object.keys(NOTICE_KINDS) as NoticeKind[];

function kindsOf(pattern: string): NoticeKind[] {
  if (!pattern.includes('*')) return KINDS.filter((k) => k === pattern);
  const re = new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`);
  return KINDS.filter((k) => re.test(k));
}

const escapeRegExp = (s: string): string => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');

/** One entry, `channel: kinds [>= severity]`: its route, or what is wrong with it. */
function parseEntry(entry: string): { channel: RouteChannel; route: Route } | string {
  const m = /^([a-z]+)\s*:\s*([^>]*?)\s*(?:>=\s*([a-z]+))?$/i.exec(entry);
  if (!m) return `has '${entry}'; write each route as 'channel: kinds' or 'channel: kinds >= severity'.`;
  const [, channelText = '', kindsText = '', severityText] = m;
  const channel = channelText.toLowerCase() as RouteChannel;
  if (!CHANNELS.includes(channel)) return `names channel '${channelText}'; channels: ${CHANNELS.join(', ')}.`;
  const minSeverity = (severityText?.toLowerCase() ?? 'info') as NoticeSeverity;
  if (!(minSeverity in RANK))
    return `gives severity '${severityText}' for ${channel}; severities: ${Object.keys(RANK).join(', ')}.`;
  const patterns = kindsText
    .split(',')
    .map((k) => k.trim().toLowerCase())
    .filter(Boolean);
  if (patterns.length === 0) return `gives no kinds for ${channel}; use * for every kind.`;
  const kinds = new Set<NoticeKind>();
  for (const p of patterns) {
    const matched = kindsOf(p);
    if (matched.length === 0)
      return `names kind '${p}' for ${channel}, which matches no notice kind (docs/notifications.md lists them).`;
    matched.forEach((k) => kinds.add(k));
  }
  return { channel, route: { kinds, minSeverity } };
}

export function parseRoutes(text: string): { ok: true; value: Routes } | { ok: false; problems: string[] } {
  const routes: Routes = {};
  const problems: string[] = [];
  for (const entry of text
    .split(';')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const parsed = parseEntry(entry);
    if (typeof parsed === 'string') problems.push(parsed);
    else if (routes[parsed.channel]) problems.push(`routes ${parsed.channel} twice; give each channel one route.`);
    else routes[parsed.channel] = parsed.route;
  }
  return problems.length ? { ok: false, problems } : { ok: true, value: routes };
}

/** Whether the notice goes to the channel: a channel without a route takes every notice. */
export function isRouted(
  routes: Routes | undefined,
  channel: RouteChannel,
  notice: { kind: NoticeKind; severity: NoticeSeverity },
): boolean {
  const route = routes?.[channel];
  if (!route) return true;
  return route.kinds.has(notice.kind) && RANK[notice.severity] >= RANK[route.minSeverity];
}
