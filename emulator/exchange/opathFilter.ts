/**
 * The subset of Exchange's OPATH filter syntax that recipient cmdlets accept in -Filter and the watchdog
 * sends: `Property -eq 'value'` terms joined by -or (optionally in parentheses), with '' escaping a quote
 * inside a value. Anything else is refused the way Exchange refuses a filter it cannot parse.
 */
import { quotedLiteral } from '../quotedLiteral.js';
import { CmdletError } from '../tenantState.js';

const FILTER_ERROR = 'Microsoft.Exchange.Management.Tasks.InvalidOperationException';

export interface EqualityTerm {
  property: string;
  value: string;
}

/** Returns the -or'ed equality terms, or throws a CmdletError naming the position that did not parse. */
export function parseOpathFilter(filter: string, properties: readonly string[]): EqualityTerm[] {
  const terms: EqualityTerm[] = [];
  let i = 0;
  const fail = (what: string): never => {
    throw new CmdletError(
      FILTER_ERROR,
      `Cannot bind parameter 'Filter' to the target. Exception setting "Filter": "Invalid filter syntax. For a description of the filter parameter syntax see the command help. "${filter}" at position ${i + 1}: ${what}."`,
    );
  };
  const skipSpace = () => {
    while (filter[i] === ' ') i++;
  };
  const word = (): string => {
    const start = i;
    while (i < filter.length && /[A-Za-z-]/.test(filter[i] ?? '')) i++;
    return filter.slice(start, i);
  };
  const literal = (): string => {
    if (filter[i] !== "'") fail('expected a quoted value');
    const quoted = quotedLiteral(filter, i);
    if (!quoted) {
      i = filter.length;
      return fail('unterminated quoted value');
    }
    i = quoted.end;
    return quoted.value;
  };
  const term = () => {
    skipSpace();
    const open = filter[i] === '(';
    if (open) i++;
    skipSpace();
    const name = word().toLowerCase();
    const property = properties.find((p) => p.toLowerCase() === name);
    if (!property) fail(`the property is not filterable here (use one of ${properties.join(', ')})`);
    skipSpace();
    if (word().toLowerCase() !== '-eq') fail('only -eq is supported');
    skipSpace();
    terms.push({ property: property as string, value: literal() });
    skipSpace();
    if (open) {
      if (filter[i] !== ')') fail("expected ')'");
      i++;
    }
  };
  term();
  for (skipSpace(); i < filter.length; skipSpace()) {
    if (word().toLowerCase() !== '-or') fail('expected -or');
    term();
  }
  return terms;
}
