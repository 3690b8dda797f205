/** What the simple commands share: boolean flags only, and text made safe for a terminal. */
import { parseArgs } from 'node:util';
import { UsageError } from './main.js';

/** Exactly the given boolean flags (`--json`, `--dry-run`); anything else is a usage error. */
export function parseBooleanFlags<K extends string>(args: string[], names: readonly K[]): Record<K, boolean> {
  try {
    const options = Object.fromEntries(names.map((n) => [n, { type: 'boolean' as const }]));
    const { values } = parseArgs({ args, options, allowPositionals: false, strict: true });
    return Object.fromEntries(names.map((n) => [n, values[n] === true])) as Record<K, boolean>;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** Tenant-controlled names and service messages must not smuggle terminal escape sequences or fake lines. */
export function terminalSafe(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ');
}
