/** Times and durations as people read them: "2026-11-02 17:00 UTC (in 3 hours)", "1 day 4 hours". */

const UNITS: [name: string, ms: number][] = [
  ['week', 604_800_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1000],
];

const plural = (n: number, unit: string): string => `${n} ${unit}${n === 1 ? '' : 's'}`;

/**
 * A duration in words, at most two units, largest first: "4 hours", "1 day 12 hours", "90 minutes" is "1 hour
 * 30 minutes". Weeks only when exact (14 days reads better as "2 weeks" than "2 weeks 0 days").
 */
export function durationInWords(ms: number): string {
  let rest = Math.max(0, Math.round(ms / 1000) * 1000);
  if (rest === 0) return '0 seconds';
  const parts: string[] = [];
  for (const [unit, size] of UNITS) {
    if (unit === 'week' && rest % size !== 0) continue;
    const n = Math.floor(rest / size);
    if (n === 0) {
      if (parts.length) break;
      continue;
    }
    parts.push(plural(n, unit));
    rest -= n * size;
    if (parts.length === 2 || rest === 0) break;
  }
  return parts.join(' ');
}

/** How far an instant is from now, roughly, in one unit: "in 3 hours", "2 days ago", "just now". */
export function relativePhrase(iso: string, now: string): string {
  const diff = Date.parse(iso) - Date.parse(now);
  const abs = Math.abs(diff);
  if (Number.isNaN(diff)) return '';
  if (abs < 60_000) return 'just now';
  const [unit, size] = UNITS.find(([, s]) => abs >= s && s <= 86_400_000) ?? ['minute', 60_000];
  const n = Math.round(abs / size);
  return diff > 0 ? `in ${plural(n, unit)}` : `${plural(n, unit)} ago`;
}

/** "2026-11-02 17:00 UTC": minutes are enough for people; the exact instant stays in the data. */
export function utcText(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const d = new Date(ms).toISOString();
  return `${d.slice(0, 10)} ${d.slice(11, 16)} UTC`;
}

/** "2026-11-02 17:00 UTC (in 3 hours)". */
export function instantInWords(iso: string, now: string): string {
  const relative = relativePhrase(iso, now);
  return relative ? `${utcText(iso)} (${relative})` : utcText(iso);
}
