/**
 * Starts Azurite's Table service from node_modules on a free loopback port, in memory.
 * Used by the test setup and by the local run on the embedded default.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Azurite's published development account; it only exists on the local emulator. */
const DEV_ACCOUNT = 'devstoreaccount1';
const DEV_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface RunningAzurite {
  port: number;
  connectionString: string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startAzurite(): Promise<RunningAzurite> {
  const require = createRequire(import.meta.url);
  const main = join(require.resolve('azurite/package.json'), '..', 'dist', 'src', 'table', 'main.js');
  // Azurite may write files into its working directory even in memory mode; keep them out of the work tree.
  const workspace = mkdtempSync(join(tmpdir(), 'azurite-'));
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [
        main,
        '--tableHost',
        '127.0.0.1',
        '--tablePort',
        String(port),
        '--inMemoryPersistence',
        '--skipApiVersionCheck',
        '--disableTelemetry',
        '--silent',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], cwd: workspace },
    );
    const ready = await waitForListening(child);
    if (ready === true) {
      const connectionString = `DefaultEndpointsProtocol=http;AccountName=${DEV_ACCOUNT};AccountKey=${DEV_KEY};TableEndpoint=http://127.0.0.1:${port}/${DEV_ACCOUNT};`;
      return {
        port,
        connectionString,
        stop: () =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => {
              rmSync(workspace, { recursive: true, force: true });
              resolve();
            });
            child.kill('SIGTERM');
          }),
      };
    }
    child.kill('SIGKILL');
    if (attempt >= 3) throw new Error(`Azurite did not start: ${ready}`);
  }
}

function waitForListening(child: ChildProcess): Promise<true | string> {
  return new Promise((resolve) => {
    let output = '';
    const timer = setTimeout(() => resolve(`no answer in 20 s; output: ${output}`), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/successfully (started|listening)/i.test(output)) {
        clearTimeout(timer);
        resolve(true);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(`exited with code ${code}; output: ${output}`);
    });
  });
}
