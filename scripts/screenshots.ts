/**
 * Regenerates the README's screenshots (docs/images/) with headless Chromium, from what the local stack
 * produces: the drift alert email `npm start` saves under its output folder, and the HTML evidence report
 * `mie-watchdog export --format html` writes after an audit and a grant on the same tenant. Not part of CI.
 *
 * Usage: node bin/run-ts.js scripts/screenshots.ts   (needs /usr/bin/chromium, e.g. Debian's chromium package)
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { startEmulator } from '../emulator/server.js';
import { startAzurite } from '../cli/local/azurite.js';
import { localEnv } from '../cli/local/localEnv.js';

const repo = resolve(import.meta.dirname, '..');
const images = join(repo, 'docs', 'images');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const MAX_BYTES = 200 * 1024;

/** The CLI as a person runs it, with exactly the settings given (asynchronously: the emulator runs in this process). */
/** Runs the CLI; `exitCodes`: the codes that are a success here (the audit exits 1 while findings are open). */
async function cli(args: string[], env: Record<string, string | undefined> = {}, exitCodes = [0]): Promise<string> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('WATCHDOG_')));
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [join(repo, 'bin', 'mie-watchdog.js'), ...args], {
      cwd: repo,
      env: { ...base, ...env },
      encoding: 'utf8',
    });
    return stdout;
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string };
    if (typeof failed.code === 'number' && exitCodes.includes(failed.code)) return failed.stdout ?? '';
    throw error;
  }
}

function screenshot(page: string, png: string, width: number, height: number): void {
  execFileSync(
    CHROMIUM,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--hide-scrollbars',
      `--window-size=${width},${height}`,
      `--screenshot=${png}`,
      pathToFileURL(page).href,
    ],
    { stdio: 'ignore' },
  );
  const bytes = statSync(png).size;
  if (bytes > MAX_BYTES) throw new Error(`${png} is ${bytes} bytes; make the window smaller.`);
  console.log(`${png}: ${bytes} bytes`);
}

async function evidenceReport(folder: string): Promise<string> {
  const azurite = await startAzurite();
  const emulator = await startEmulator({ scenario: 'forgotten-migrations' });
  try {
    const env = localEnv({ emulator, storageConnectionString: azurite.connectionString });
    const tenant = emulator.tenant;
    await cli(['audit'], env, [0, 1]);
    const { grant } = JSON.parse(
      await cli(
        [
          'grant',
          'request',
          '--principal',
          `adelev@${tenant}`,
          '--duration',
          'PT4H',
          '--justification',
          'Import the Fabrikam archive PSTs into the project mailboxes (case LH-2211)',
          '--ticket',
          'CHG-4711',
          '--requester',
          `meganb@${tenant}`,
          '--json',
        ],
        env,
      ),
    ) as { grant: { id: string } };
    await cli(['grant', 'approve', grant.id, '--approver', `lidiah@${tenant}`], env);
    await cli(['audit'], env, [0, 1]);
    const report = join(folder, 'evidence-report.html');
    await cli(['export', '--format', 'html', '--out', report], env);
    return report;
  } finally {
    await emulator.stop();
    await azurite.stop();
  }
}

const folder = mkdtempSync(join(tmpdir(), 'mie-screenshots-'));
try {
  await cli(['demo', '--out', join(folder, 'demo')]);
  const drift = readdirSync(join(folder, 'demo')).find((f) => f.startsWith('01-') && f.endsWith('.html'));
  if (!drift) throw new Error('the demo saved no drift alert');
  screenshot(join(folder, 'demo', drift), join(images, 'drift-alert.png'), 1000, 900);
  screenshot(await evidenceReport(folder), join(images, 'evidence-report.png'), 1100, 1000);
} finally {
  rmSync(folder, { recursive: true, force: true });
}
