/** HTTP trigger of the auditor API: identifies the caller and serves evidence (lib/triggers/evidenceHttpHandler.ts). */
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { clockFor } from '../../lib/clock.js';
import { loadConfig } from '../../lib/config.js';
import { createEvidenceHttpHandler, type EvidenceHttpHandler } from '../../lib/triggers/evidenceHttpHandler.js';
import { createApiAuthenticator, openEvidence } from '../../lib/runtime.js';

let handler: EvidenceHttpHandler | undefined;

/** Built on first use, so that a settings error surfaces in the invocation log rather than at host start. */
function build(): EvidenceHttpHandler {
  const config = loadConfig(process.env, { api: true });
  const deps = openEvidence(config);
  // The process clock the settings ask for (WATCHDOG_LOCAL_CLOCK on the local stack), as the grant API uses.
  return createEvidenceHttpHandler({
    deps: () => deps,
    authenticate: createApiAuthenticator(config.auth, clockFor(config)),
  });
}

export async function auditExport(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  handler ??= build();
  return handler(request, context);
}

app.http('auditExport', {
  methods: ['GET'],
  // Anonymous at the platform level: every request is authenticated in code (or by App Service Authentication).
  authLevel: 'anonymous',
  route: 'api/evidence/{action?}',
  handler: auditExport,
});
