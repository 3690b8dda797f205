/**
 * Starts Azurite's Table and Blob services from node_modules on free loopback ports, in memory.
 * Used by the test setup and by the local run on the embedded default.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { DEVELOPMENT_ACCOUNT } from '../../lib/endpoints.js';

/** Azurite's published development account; it only exists on the local emulator. */
const DEV_ACCOUNT = DEVELOPMENT_ACCOUNT.name;
const DEV_KEY = DEVELOPMENT_ACCOUNT.key;

export interface RunningAzurite {
  /** The table service's port. */
  port: number;
  blobPort: number;
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

/** One Azurite service (table or blob) in its own process, in memory, on a free loopback port. */
async function startService(
  service: 'table' | 'blob',
  workspace: string,
): Promise<{ port: number; child: ChildProcess }> {
  const require = createRequire(import.meta.url);
  const main = join(require.resolve('azurite/package.json'), '..', 'dist', 'src', service, 'main.js');
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [
        main,
        `--${service}Host`,
        '127.0.0.1',
        `--${service}Port`,
        String(port),
        '--inMemoryPersistence',
        '--skipApiVersionCheck',
        '--disableTelemetry',
        '--silent',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], cwd: workspace },
    );
    const ready = await waitForListening(child);
    if (ready === true) return { port, child };
    child.kill('SIGKILL');
    if (attempt >= 3) throw new Error(`Azurite's ${service} service did not start: ${ready}`);
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/**
 * Tables hold the watchdog's state and journal; the blob service holds the journal's anchors (an append blob).
 * Azurite does not emulate immutability policies: locally the anchors are an ordinary append blob.
 */
export async function startAzurite(): Promise<RunningAzurite> {
  // Azurite may write files into its working directory even in memory mode; keep them out of the work tree.
  const workspace = mkdtempSync(join(tmpdir(), 'azurite-'));
  const [table, blob] = await Promise.all([startService('table', workspace), startService('blob', workspace)]);
  const connectionString = `DefaultEndpointsProtocol=http;AccountName=${DEV_ACCOUNT};AccountKey=${DEV_KEY};TableEndpoint=http://127.0.0.1:${table.port}/${DEV_ACCOUNT};BlobEndpoint=http://127.0.0.1:${blob.port}/${DEV_ACCOUNT};`;
  return {
    port: table.port,
    blobPort: blob.port,
    connectionString,
    async stop() {
      await Promise.all([stopChild(table.child), stopChild(blob.child)]);
      rmSync(workspace, { recursive: true, force: true });
    },
  };
}

function waitForListening(child: ChildProcess): Promise<true | string> {
  return new Promise((resolve) => {
    let output = '';
    const timer = setTimeout(() => resolve(`no answer in 20 s; output: ${output}`), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/successfully (started|listening|listens)/i.test(output)) {
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
