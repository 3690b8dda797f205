import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../lib/duration.js';

describe('ISO 8601 durations', () => {
  it.each([
    ['PT1H', 3_600_000],
    ['P1D', 86_400_000],
    ['P2W', 14 * 86_400_000],
    ['P1DT12H30M', 86_400_000 + 12 * 3_600_000 + 30 * 60_000],
    ['PT0.5S', 500],
    ['pt15m', 900_000],
  ])('parses %s', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', 'P', 'PT', 'P1M', 'P1Y', '1H', 'PT1H30', 'P1DT', '-PT1H'])('refuses %j', (text) =>
    expect(parseDuration(text)).toBeUndefined(),
  );

  it('formats compactly', () => {
    expect(formatDuration(86_400_000 + 3_600_000)).toBe('P1DT1H');
    expect(formatDuration(900_000)).toBe('PT15M');
    expect(formatDuration(0)).toBe('PT0S');
  });
});
