/** Loggers for runs under test: one that drops everything, one that keeps the warnings to assert on. */
import type { Logger } from '../lib/ports/index.js';

export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export interface LoggedWarning {
  message: string;
  properties?: Record<string, unknown>;
}

/** A logger that records each warning (message and properties) in `warnings` and drops the rest. */
export function warningLogger(warnings: LoggedWarning[] = []): Logger & { warnings: LoggedWarning[] } {
  return { ...silentLogger, warn: (message, properties) => void warnings.push({ message, properties }), warnings };
}
