/**
 * `mie-watchdog serve [--port N]`: the web app and the HTTP API on this machine, signed in through the tenant
 * emulator (cli/local/webStack.ts), until interrupted. Prints the URL to open.
 */
import { leaf, type CommandSpec } from './command.js';
import { interrupted } from './interrupted.js';
import type { CliIo } from './io.js';
import { startWebStack } from './local/webStack.js';
import { API_ROLE_HOLDERS, TENANT } from '../emulator/scenarios/forgottenMigrations.js';

export function command(): CommandSpec {
  return leaf({
    name: 'serve',
    summary: 'the web app and API on this machine, signed in through the tenant emulator',
    description:
      "Starts Azurite, the tenant emulator (which also signs people in) and the Function App's HTTP functions on one HTTPS origin with a certificate made for this run, and prints the URL. Needs the web app built into dist/web (`npm run build`; `npm run serve` builds and starts it). Ctrl+C stops it.",
    flags: [{ name: 'port', value: 'N', description: 'port to listen on (default 7071; 0 takes a free one)' }],
    parse: (input) => ({ port: input.integer('port', 0, 65535) ?? 7071 }),
    async run({ port }, io: CliIo) {
      const stack = await startWebStack({ port, log: (line) => io.err(line) });
      io.out(`MIE Watchdog web app: ${stack.url}/`);
      io.out('The certificate is made for this run: let the browser proceed to 127.0.0.1 once.');
      io.out('Sign in as any person of the emulated tenant; these hold the app roles:');
      for (const [who, roles] of Object.entries(API_ROLE_HOLDERS)) io.out(`  ${who}@${TENANT}: ${roles.join(', ')}`);
      io.out('Ctrl+C stops it.');
      await interrupted();
      await stack.stop();
      return 0;
    },
  });
}
