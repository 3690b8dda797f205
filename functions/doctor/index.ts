/** HTTP trigger of the doctor: GET /api/doctor for Audit.Read (lib/triggers/doctorHttpHandler.ts). */
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { clockFor } from '../../lib/clock.js';
import { loadConfig } from '../../lib/config.js';
import { createApiAuthenticator } from '../../lib/runtime.js';
import { createDoctorHttpHandler, type DoctorHttpHandler } from '../../lib/triggers/doctorHttpHandler.js';
import { createDoctorProbes } from '../../lib/doctorProbes.js';
import { runDoctor } from '../../lib/doctor/runDoctor.js';

let handler: DoctorHttpHandler | undefined;

/** Built on first use, so that a settings error surfaces in the invocation log rather than at host start. */
function build(): DoctorHttpHandler {
  const config = loadConfig(process.env, { api: true });
  const probes = createDoctorProbes(config);
  // The process clock the settings ask for (WATCHDOG_LOCAL_CLOCK on the local stack), as the grant API uses.
  const clock = clockFor(config);
  return createDoctorHttpHandler({
    doctor: () => runDoctor({ config, probes, clock, platform: process.env }),
    authenticate: createApiAuthenticator(config.auth, clock),
  });
}

export async function doctor(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  handler ??= build();
  return handler(request, context);
}

app.http('doctor', {
  methods: ['GET'],
  // Anonymous at the platform level: every request is authenticated in code (or by App Service Authentication).
  authLevel: 'anonymous',
  route: 'api/doctor',
  handler: doctor,
});
