/** Runs the real `mie-watchdog` entry (bin/mie-watchdog.js) in a child process, as a person or CI would. */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import type { Env } from '../../lib/config.js';

export const projectRoot = resolve(import.meta.dirname, '..', '..');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** `env` replaces every WATCHDOG_* variable of this process, so the run sees exactly the settings given. */
export function runCli(args: string[], env?: Env): Promise<CliRun> {
  const started = Date.now();
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('WATCHDOG_')));
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(projectRoot, 'bin', 'mie-watchdog.js'), ...args], {
      cwd: projectRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: env ? { ...base, ...env } : process.env,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', fail);
    child.on('exit', (code) => done({ code, stdout, stderr, ms: Date.now() - started }));
  });
}
