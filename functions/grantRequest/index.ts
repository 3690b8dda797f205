/** HTTP trigger of the grant API: identifies the caller and runs one grant use case (lib/triggers/grantHttpHandler.ts). */
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { createGrantHttpHandler, type GrantHttpHandler } from '../../lib/triggers/grantHttpHandler.js';
import { loadConfig } from '../../lib/config.js';
import { createApiAuthenticator, createRuntime } from '../../lib/runtime.js';

let handler: GrantHttpHandler | undefined;

/** Built on first use, so that a settings error surfaces in the invocation log rather than at host start. */
function build(): GrantHttpHandler {
  const runtime = createRuntime(loadConfig(process.env, { api: true }));
  return createGrantHttpHandler({
    deps: runtime,
    authenticate: createApiAuthenticator(runtime.config.auth, runtime.clock),
  });
}

export async function grantRequest(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  handler ??= build();
  return handler(request, context);
}

app.http('grantRequest', {
  methods: ['GET', 'POST'],
  // Anonymous at the platform level: every request is authenticated in code (or by App Service Authentication).
  authLevel: 'anonymous',
  route: 'api/grants/{id?}/{action?}',
  handler: grantRequest,
});
