/** Quoted literals of the emulator's OData $filter and Exchange OPATH parsers: '' is one quote, an open quote is an error. */
import { describe, expect, it } from 'vitest';
import { parseOpathFilter } from '../../emulator/exchange/opathFilter.js';
import { FilterError, parseFilter } from '../../emulator/graph/filter.js';

describe('quoted literals', () => {
  it("reads '' as one quote in both filter languages", () => {
    expect(parseFilter("displayName eq 'O''Brien'")({ displayName: "o'brien" })).toBe(true);
    expect(parseOpathFilter("Name -eq 'O''Brien'", ['Name'])).toEqual([
      expect.objectContaining({ property: 'Name', value: "O'Brien" }),
    ]);
  });

  it('refuses a literal that never closes; OPATH names the end of the filter as the position', () => {
    expect(() => parseFilter("displayName eq 'O''Brien")).toThrow(FilterError);
    expect(() => parseFilter("displayName eq 'O''Brien")).toThrow('Unterminated string literal.');
    expect(() => parseOpathFilter("Name -eq 'open", ['Name'])).toThrow(/at position 15: unterminated quoted value/);
  });
});
