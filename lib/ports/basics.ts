/** The clock and the log every job is handed. */

export interface Clock {
  now(): Date;
}

/** Where jobs report progress: context.log in Functions, stderr in the CLI. Never pass secrets or tokens. */
export interface Logger {
  info(message: string, properties?: Record<string, unknown>): void;
  warn(message: string, properties?: Record<string, unknown>): void;
  error(message: string, properties?: Record<string, unknown>): void;
}
