/** Reads a person-supplied instant (CLI flag, query parameter, request body, setting) as ISO 8601 UTC. */

const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):?(\d{2})))?$/i;

/**
 * Undefined when the text is not an ISO 8601 date or date-time with a zone (a bare date means midnight
 * UTC), or names no real calendar time: `Date.parse` rolls 2026-11-31 over to 1 December, so every field
 * is range-checked first.
 */
export function parseInstant(text: string): string | undefined {
  const value = text.trim();
  const m = ISO_INSTANT.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', , oh = '0', om = '0'] = m;
  const month = Number(mo);
  if (month < 1 || month > 12) return undefined;
  const daysInMonth = new Date(Date.UTC(Number(y), month, 0)).getUTCDate();
  if (Number(d) < 1 || Number(d) > daysInMonth) return undefined;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59 || Number(oh) > 23 || Number(om) > 59) return undefined;
  const ms = Date.parse(/T/i.test(value) ? value : `${value}T00:00:00Z`);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}
