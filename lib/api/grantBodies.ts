/**
 * The JSON bodies (and list query) of the grant API, as valibot schemas. Unknown fields are
 * refused (strict objects); the CLI validates its options through the same schemas.
 */
import * as v from 'valibot';
import type { GrantStatus } from '../domain.js';
import { parseDuration } from '../duration.js';
import { parseInstant } from '../instant.js';
import { MAX_PAGE_SIZE } from '../grants/listGrants.js';

const UPN =
  /^[^\s@<>(),;:"[\]\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;
// Spelled without the i flag, which JSON Schema patterns lack (docs/openapi.json is generated from these schemas).
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export const GRANT_STATUSES: readonly GrantStatus[] = [
  'pending',
  'approved',
  'active',
  'denied',
  'cancelled',
  'lapsed',
  'expired',
  'revoked',
  'released',
];

export const upnSchema = v.pipe(
  v.string(),
  v.trim(),
  v.maxLength(256, 'must be at most 256 characters'),
  v.regex(UPN, 'must be a user principal name such as adelev@contoso.onmicrosoft.com'),
  v.toLowerCase(),
);

const durationSchema = v.pipe(
  v.string(),
  v.trim(),
  v.maxLength(32, 'must be an ISO 8601 duration such as PT8H or P3D'),
  v.check(
    (s) => (parseDuration(s) ?? 0) > 0,
    'must be a positive ISO 8601 duration in weeks, days, hours, minutes or seconds, such as PT8H or P3D',
  ),
  v.transform((s) => parseDuration(s) ?? 0),
);

/**
 * Free text an approver reads in an email, a Teams card and the evidence: control characters (other than line
 * breaks and tabs) show as nothing, bidirectional overrides and isolates make text read otherwise than it is
 * (the "Trojan Source" trick), and an unpaired surrogate is not text at all; none belongs in a justification.
 */
const UNSAFE_TEXT = /(?![\t\n\r])\p{Cc}|[\u202A-\u202E\u2066-\u2069]|\p{Cs}/u;

const requiredText = (max: number) =>
  v.pipe(
    v.string(),
    v.trim(),
    v.nonEmpty('must not be empty'),
    v.maxLength(max, `must be at most ${max} characters`),
    v.check(
      (s) => !UNSAFE_TEXT.test(s),
      'must not hold control characters, bidirectional overrides or unpaired surrogates (line breaks and tabs are fine)',
    ),
  );

const justificationSchema = requiredText(2000);
const ticketSchema = v.pipe(
  requiredText(64),
  v.regex(
    /^[A-Za-z0-9][A-Za-z0-9._#:/-]*$/,
    'must be a ticket reference such as CHG-1042 (letters, digits, . _ # : / -)',
  ),
);
const reasonSchema = v.optional(requiredText(2000));

export const requestGrantBody = v.strictObject({
  principal: upnSchema,
  duration: durationSchema,
  justification: justificationSchema,
  ticket: ticketSchema,
  start: v.optional(
    v.pipe(
      v.string(),
      v.isoTimestamp('must be an ISO 8601 date-time with a time zone, such as 2026-11-02T08:00:00Z'),
      v.check(
        (text) => parseInstant(text) !== undefined,
        'is not a real calendar date and time (check the day of the month)',
      ),
    ),
  ),
});

export const extendGrantBody = v.strictObject({ duration: durationSchema, justification: justificationSchema });

export const reasonBody = v.strictObject({ reason: reasonSchema });

export const adoptGrantBody = v.strictObject({
  assignmentGuid: v.pipe(v.string(), v.trim(), v.regex(GUID, 'must be the Guid of the role assignment')),
  duration: durationSchema,
  justification: justificationSchema,
  ticket: ticketSchema,
});

export const listGrantsQuery = v.strictObject({
  status: v.optional(
    v.pipe(
      v.string(),
      v.transform((s) =>
        s
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean),
      ),
      v.array(
        v.picklist(GRANT_STATUSES as GrantStatus[], `must be a comma-separated list of ${GRANT_STATUSES.join(', ')}`),
      ),
    ),
  ),
  principal: v.optional(upnSchema),
  limit: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d{1,4}$/, `must be a whole number from 1 to ${MAX_PAGE_SIZE}`),
      v.transform(Number),
      v.number(),
      v.minValue(1, `must be a whole number from 1 to ${MAX_PAGE_SIZE}`),
      v.maxValue(MAX_PAGE_SIZE, `must be a whole number from 1 to ${MAX_PAGE_SIZE}`),
    ),
  ),
  /** Checked by listGrantsPage (a bad one is a 400 naming pageToken). */
  pageToken: v.optional(v.string()),
});

export const granteeQuery = v.strictObject({ principal: upnSchema });

export const grantIdSchema = v.pipe(v.string(), v.regex(GUID, 'must be a grant id (a GUID)'));
