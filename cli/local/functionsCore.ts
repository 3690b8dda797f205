/**
 * What the Azure Functions Node.js worker gives `@azure/functions`: the `@azure/functions-core` module, through
 * which `app.http(...)` registers each function with the host. The worker provides it by answering `require` of
 * that name; outside the host the library runs in "test mode" and registers nothing. The local function host
 * does what the worker does, so the Function App's own modules register their functions here unchanged.
 */
import { createRequire } from 'node:module';

export interface Registration {
  name: string;
  /** The function's bindings, as @azure/functions describes them to the host (toCoreFunctionMetadata). */
  bindings: Record<string, { type?: string; direction?: string; route?: string; methods?: string[] }>;
  handler: (...args: unknown[]) => unknown;
}

const registrations: Registration[] = [];

const coreApi = {
  version: 'local',
  setProgrammingModel: () => undefined,
  registerFunction(metadata: Omit<Registration, 'handler'>, handler: Registration['handler']) {
    registrations.push({ name: metadata.name, bindings: metadata.bindings, handler });
    return { dispose: () => undefined };
  },
  registerHook: () => ({ dispose: () => undefined }),
  log: () => undefined,
};

let installed = false;

/** Answers `require('@azure/functions-core')` from now on; call before `@azure/functions` is first loaded. */
export function installFunctionsCore(): readonly Registration[] {
  if (!installed) {
    const require = createRequire(import.meta.url);
    // The worker does the same (it wraps Module.prototype.require); a module object has no typed access to it.
    const moduleProto = (require('node:module') as { prototype: { require: (id: string) => unknown } }).prototype;
    const original = moduleProto.require;
    moduleProto.require = function (this: unknown, id: string) {
      return id === '@azure/functions-core' ? coreApi : original.call(this, id);
    };
    installed = true;
  }
  return registrations;
}
