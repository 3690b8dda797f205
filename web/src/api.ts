/**
 * Calls the watchdog API with the signed-in user's bearer token. Refusals arrive as problem+json: field errors
 * go next to their field (ApiError.fields), a 401 ends the session (the sign-in page says why), and so does a
 * token MSAL can no longer renew silently.
 */
import { SessionEndedError, type Auth } from './auth';

export interface Problem {
  title: string;
  status: number;
  detail: string;
  errors?: { field: string; message: string }[];
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail || problem.title);
  }
  /** Field name -> message, for the form that sent the request. */
  get fields(): Record<string, string> {
    return Object.fromEntries((this.problem.errors ?? []).map((e) => [e.field, e.message]));
  }
}

export interface Api {
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  /** The raw response, for downloads and headers. */
  fetch(path: string): Promise<Response>;
}

async function problemOf(response: Response): Promise<Problem> {
  try {
    const body = (await response.json()) as Partial<Problem>;
    return {
      title: body.title ?? response.statusText,
      status: response.status,
      detail: body.detail ?? '',
      errors: body.errors,
    };
  } catch {
    return { title: response.statusText || `HTTP ${response.status}`, status: response.status, detail: '' };
  }
}

export function createApi(auth: Auth, onSessionEnded: () => void): Api {
  /** A token, or back to the sign-in page when only a new sign-in can give one (the session has expired). */
  async function token(): Promise<string> {
    try {
      return await auth.token();
    } catch (error) {
      if (error instanceof SessionEndedError) onSessionEnded();
      throw error;
    }
  }
  async function call(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${await token()}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.ok) return response;
    const problem = await problemOf(response);
    if (response.status === 401) {
      await auth.endSession(`The API refused your sign-in: ${problem.detail || problem.title}`);
      onSessionEnded();
      throw new SessionEndedError(problem.detail);
    }
    throw new ApiError(problem);
  }
  return {
    get: async <T>(path: string) => (await (await call('GET', path)).json()) as T,
    post: async <T>(path: string, body?: unknown) => (await (await call('POST', path, body ?? {})).json()) as T,
    fetch: (path) => call('GET', path),
  };
}
