/** The CLI's io captured in memory: what a command prints, line-terminated as the real process io does it. */
import type { CliIo } from '../cli/io.js';

export interface CapturedIo extends CliIo {
  stdout: string;
  stderr: string;
}

export function captureIo(env: CliIo['env'] = {}): CapturedIo {
  const line = (t: string) => (t.endsWith('\n') ? t : `${t}\n`);
  const io: CapturedIo = {
    stdout: '',
    stderr: '',
    env,
    out: (t) => void (io.stdout += line(t)),
    err: (t) => void (io.stderr += line(t)),
    write: async (chunk) => void (io.stdout += chunk),
  };
  return io;
}
