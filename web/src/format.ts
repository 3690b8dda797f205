/** Times in the reader's own time zone and durations in words. */

const dateTime = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZoneName: 'short',
});

export function formatTime(iso: string | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTime.format(date);
}

const UNITS: [string, number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/** 93_600_000 -> "1 day 2 hours"; at most the two largest units, minutes rounded. */
export function durationInWords(ms: number): string {
  if (ms < 60_000) return 'less than a minute';
  const parts: string[] = [];
  let rest = Math.round(ms / 60_000) * 60_000;
  for (const [unit, size] of UNITS) {
    const n = Math.floor(rest / size);
    if (n > 0 && parts.length < 2) parts.push(`${n} ${unit}${n === 1 ? '' : 's'}`);
    rest -= n * size;
  }
  return parts.join(' ');
}

/** "in 3 hours", "2 days ago". */
export function relative(iso: string | undefined, now: number): string {
  if (!iso) return '';
  const delta = new Date(iso).getTime() - now;
  return delta >= 0 ? `in ${durationInWords(delta)}` : `${durationInWords(-delta)} ago`;
}
