/** Reads an auditor-supplied instant (CLI flag, query parameter) as a normalised ISO 8601 UTC string. */

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2}))?$/i;

/** Undefined when the text is not an ISO 8601 date or date-time with a zone (a bare date means midnight UTC). */
export function parseInstant(text: string): string | undefined {
  const value = text.trim();
  if (!ISO_INSTANT.test(value)) return undefined;
  const ms = Date.parse(/T/i.test(value) ? value : `${value}T00:00:00Z`);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}
