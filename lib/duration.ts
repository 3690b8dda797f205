/**
 * ISO 8601 durations limited to exact units (weeks, days, hours, minutes, seconds).
 * Years and months are refused: their length depends on the calendar, and a grant must
 * end at an instant everybody computes the same way.
 */
const PATTERN = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

export function parseDuration(text: string): number | undefined {
  const m = PATTERN.exec(text.trim().toUpperCase());
  if (!m || text.trim().toUpperCase() === 'P' || text.trim().toUpperCase().endsWith('T')) return undefined;
  const [, w, d, h, min, s] = m;
  const ms =
    Number(w ?? 0) * 604_800_000 +
    Number(d ?? 0) * 86_400_000 +
    Number(h ?? 0) * 3_600_000 +
    Number(min ?? 0) * 60_000 +
    Math.round(Number(s ?? 0) * 1000);
  return Number.isFinite(ms) ? ms : undefined;
}

const SHORT = /^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/i;

/**
 * What people type on a command line: ISO 8601 (PT4H) or the short form `4h`, `3d`, `90m`, `1d12h`, `2w`
 * (units w, d, h, m = minutes, s; largest first, whole numbers). Milliseconds, or undefined when it is neither.
 */
export function parseDurationText(text: string): number | undefined {
  const iso = parseDuration(text);
  if (iso !== undefined) return iso;
  const m = SHORT.exec(text.trim());
  if (!m || m.slice(1).every((part) => part === undefined)) return undefined;
  const [w, d, h, min, s] = m.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number, number];
  return w * 604_800_000 + d * 86_400_000 + h * 3_600_000 + min * 60_000 + s * 1000;
}

/** The canonical ISO 8601 text of a typed duration: ISO input as given, the short form rendered (90m -> PT1H30M). */
export function toIsoDuration(text: string): string | undefined {
  if (parseDuration(text) !== undefined) return text.trim().toUpperCase();
  const ms = parseDurationText(text);
  return ms === undefined ? undefined : formatDuration(ms);
}

/** Renders milliseconds as a compact ISO 8601 duration (P1DT2H, PT15M). */
export function formatDuration(ms: number): string {
  let rest = Math.max(0, Math.round(ms / 1000));
  const d = Math.floor(rest / 86_400);
  rest -= d * 86_400;
  const h = Math.floor(rest / 3600);
  rest -= h * 3600;
  const m = Math.floor(rest / 60);
  const s = rest - m * 60;
  const time = `${h ? `${h}H` : ''}${m ? `${m}M` : ''}${s ? `${s}S` : ''}`;
  if (!d && !time) return 'PT0S';
  return `P${d ? `${d}D` : ''}${time ? `T${time}` : ''}`;
}
