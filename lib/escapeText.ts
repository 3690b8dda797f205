/** User-provided text (justifications, reasons, tickets, tenant names) goes into email and reports only through these. */

export function escapeHtml(text: string | number | null | undefined): string {
  return String(text ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

/** No line breaks or control characters: a value cannot fake extra lines in plain text or a header. */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').trim();
}

/** One line of at most `max` characters: safe in a subject header. */
export function headerSafe(text: string, max = 120): string {
  const line = oneLine(text);
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
