import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration, parseDurationText, toIsoDuration } from '../../lib/duration.js';

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

describe('durations as people type them', () => {
  it.each([
    ['4h', 4 * 3_600_000],
    ['3d', 3 * 86_400_000],
    ['90m', 90 * 60_000],
    ['1d12h', 36 * 3_600_000],
    ['2w', 14 * 86_400_000],
    ['45s', 45_000],
    [' 8H ', 8 * 3_600_000],
    ['PT4H', 4 * 3_600_000],
    ['p1dt12h', 36 * 3_600_000],
  ])('parses %j', (text, ms) => expect(parseDurationText(text)).toBe(ms));

  it.each(['', 'h', '4', '4x', '1h1d', '1.5h', '-4h', '4 h', 'P1M', '1y', '1mo'])('refuses %j', (text) =>
    expect(parseDurationText(text)).toBeUndefined(),
  );

  it('keeps ISO 8601 as the canonical text and renders the short form in it', () => {
    expect(toIsoDuration('pt4h')).toBe('PT4H');
    expect(toIsoDuration('P2W')).toBe('P2W');
    expect(toIsoDuration('90m')).toBe('PT1H30M');
    expect(toIsoDuration('1d12h')).toBe('P1DT12H');
    expect(toIsoDuration('0h')).toBe('PT0S');
    expect(toIsoDuration('soon')).toBeUndefined();
  });
});
