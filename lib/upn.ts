/**
 * One spelling per user name. A UPN from a token claim or the command line is trimmed, folded with
 * Unicode NFKC (fullwidth `ｍｅｇａｎ` becomes `megan`) and lower-cased; one that still holds a control or
 * format character (NUL, zero-width space, joiners, bidi marks), any other character Unicode says to render
 * as nothing (Default_Ignorable_Code_Point: variation selectors, the combining grapheme joiner, Hangul fillers)
 * or inner white space is refused, since no directory user is named so and such a name would only ever look
 * like someone else's.
 * Names are for the record: who is who is decided by object id (lib/grants/policy/samePerson.ts).
 */

const INVISIBLE = /[\p{Cc}\p{Cf}\p{Z}\s\p{Default_Ignorable_Code_Point}]/u;

/** The normalised UPN, or a reason it is refused. */
export function normalizeUpn(value: string): { upn: string } | { problem: string } {
  const upn = value.trim().normalize('NFKC').toLowerCase();
  if (INVISIBLE.test(upn)) return { problem: 'it holds a control, zero-width or space character' };
  const at = upn.lastIndexOf('@');
  if (at <= 0 || at === upn.length - 1) return { problem: 'it is not of the form name@domain' };
  return { upn };
}

/** For comparing stored names, which were written before normalisation existed: never refuses. */
export function comparableUpn(value: string): string {
  return value.trim().normalize('NFKC').toLowerCase();
}
