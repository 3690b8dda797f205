/** Where a command writes: stdout for results, stderr for everything meant for a person reading along. */
import type { Env } from '../lib/config.js';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: Env;
  /** Raw output for large streams (exports): written as is, resolving once the sink can take more. */
  write?(chunk: string): Promise<void>;
  /** Whether stderr is a terminal: progress is shown there unasked. */
  errIsTty?: boolean;
}

export const processIo: CliIo = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  env: process.env,
  write: (chunk) =>
    new Promise((resolve, reject) => process.stdout.write(chunk, (error) => (error ? reject(error) : resolve()))),
  errIsTty: process.stderr.isTTY === true,
};
