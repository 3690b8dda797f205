/** Command lines of the CLI tests, written as the options they set rather than as one argument a line. */
import { upn } from '../../testkit/fixtures.js';

/** `--name value` for each entry, in order; an entry set to `undefined` is a flag not typed. */
export function flags(values: Record<string, string | undefined>): string[] {
  return Object.entries(values).flatMap(([name, value]) => (value === undefined ? [] : [`--${name}`, value]));
}

/**
 * `grant request` of an 8-hour export for Adele, requested by Megan; `overrides` change, add or (with `undefined`)
 * leave out flags.
 */
export function grantRequestArgs(overrides: Record<string, string | undefined> = {}): string[] {
  return [
    'request',
    ...flags({
      principal: upn('adelev'),
      duration: 'PT8H',
      justification: 'Export for legal hold',
      ticket: 'CHG-1042',
      requester: upn('meganb'),
      ...overrides,
    }),
  ];
}
