/** The Logger port over a Functions invocation's context, so job logs land with the invocation in Application Insights. */
import type { InvocationContext } from '@azure/functions';
import type { Logger } from './ports/index.js';

export function invocationLogger(context: InvocationContext): Logger {
  const props = (p?: Record<string, unknown>) => (p ? [p] : []);
  return {
    info: (message, p) => context.log(message, ...props(p)),
    warn: (message, p) => context.warn(message, ...props(p)),
    error: (message, p) => context.error(message, ...props(p)),
  };
}
