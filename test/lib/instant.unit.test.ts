import { describe, expect, it } from 'vitest';
import { parseInstant } from '../../lib/instant.js';

describe('parseInstant', () => {
  it('reads dates and date-times with a zone as UTC', () => {
    expect(parseInstant('2026-03-01')).toBe('2026-03-01T00:00:00.000Z');
    expect(parseInstant(' 2026-03-01T10:15Z ')).toBe('2026-03-01T10:15:00.000Z');
    expect(parseInstant('2026-03-01T10:15:30.5+02:00')).toBe('2026-03-01T08:15:30.500Z');
    expect(parseInstant('2028-02-29T00:00:00Z')).toBe('2028-02-29T00:00:00.000Z');
  });

  it.each([
    '2026-11-31T10:00:00Z',
    '2026-02-30T00:00:00Z',
    '2026-02-29',
    '2026-13-01',
    '2026-00-10',
    '2026-03-00',
    '2026-03-01T24:00Z',
    '2026-03-01T10:60Z',
    '2026-03-01T10:00:60Z',
    '2026-03-01T10:00+24:00',
    '2026-03-01T10:00',
    'tomorrow',
    '',
  ])('refuses %j instead of rolling it over', (text) => expect(parseInstant(text)).toBeUndefined());
});
