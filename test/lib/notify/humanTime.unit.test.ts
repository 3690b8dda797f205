import { describe, expect, it } from 'vitest';
import { durationInWords, instantInWords, relativePhrase, utcText } from '../../../lib/notify/humanTime.js';

const NOW = '2026-11-02T10:00:00.000Z';

describe('times and durations for people', () => {
  it('says durations in words, at most two units, weeks only when exact', () => {
    expect(durationInWords(4 * 3_600_000)).toBe('4 hours');
    expect(durationInWords(3_600_000)).toBe('1 hour');
    expect(durationInWords(90 * 60_000)).toBe('1 hour 30 minutes');
    expect(durationInWords(36 * 3_600_000)).toBe('1 day 12 hours');
    expect(durationInWords(14 * 86_400_000)).toBe('2 weeks');
    expect(durationInWords(10 * 86_400_000)).toBe('10 days');
    expect(durationInWords(86_400_000 + 60_000)).toBe('1 day');
    expect(durationInWords(0)).toBe('0 seconds');
  });

  it('gives UTC to the minute with a relative phrase measured from the notice', () => {
    expect(utcText('2026-11-02T17:00:30.000Z')).toBe('2026-11-02 17:00 UTC');
    expect(relativePhrase('2026-11-02T13:00:00.000Z', NOW)).toBe('in 3 hours');
    expect(relativePhrase('2026-10-31T10:00:00.000Z', NOW)).toBe('2 days ago');
    expect(relativePhrase('2026-11-02T10:00:20.000Z', NOW)).toBe('just now');
    expect(relativePhrase('2026-11-02T10:45:00.000Z', NOW)).toBe('in 45 minutes');
    expect(instantInWords('2026-11-02T13:00:00.000Z', NOW)).toBe('2026-11-02 13:00 UTC (in 3 hours)');
    expect(instantInWords('not a time', NOW)).toBe('not a time');
  });
});
