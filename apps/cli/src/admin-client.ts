import { request } from 'undici';
import { CliError } from './cli-error.js';

/** How long an admin command waits for ccb: it answers at once, so a silent one is stuck or not ccb. */
const adminTimeoutInMs = 10_000;

/** Flags every admin command takes. */
export const adminArgs = {
  url: { type: 'string', description: 'Base URL of the running ccb (default http://127.0.0.1:8000)' },
  json: { type: 'boolean', description: 'Print the raw JSON answer' },
} as const;

/**
 * Calls the admin API of a running ccb with the admin key from `$CCB_ADMIN_KEY` (none: fine on loopback without an
 * admin key). Resolves to the parsed JSON of a 2xx answer (and of a 422, which carries a report); every other
 * outcome is one actionable {@link CliError} naming what ccb said.
 */
export async function callAdmin(
  baseUrl: string | undefined,
  method: 'GET' | 'POST' | 'PATCH',
  path: string,
  env: NodeJS.ProcessEnv,
): Promise<{ status: number; body: unknown }> {
  const base = (baseUrl ?? 'http://127.0.0.1:8000').replace(/\/+$/, '');
  const url = `${base}${path}`;
  const key = env.CCB_ADMIN_KEY;
  let status: number;
  let text: string;
  try {
    const response = await request(url, {
      method,
      headers: key !== undefined && key !== '' ? { 'x-api-key': key } : {},
      signal: AbortSignal.timeout(adminTimeoutInMs),
    });
    status = response.statusCode;
    text = await response.body.text();
  } catch (error) {
    const reason =
      (error as Error).name === 'TimeoutError'
        ? `no answer within ${adminTimeoutInMs / 1000} s`
        : (error as Error).message;
    throw new CliError(`cannot reach ${base}: ${reason}; is ccb running there? Pass its address with --url`, {
      cause: error,
    });
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new CliError(
      `${url} answered HTTP ${status} without JSON; check that --url is the address of a ccb`,
    );
  }
  if ((status >= 200 && status < 300) || status === 422) return { status, body };
  const message = (body as { error?: { message?: unknown } })?.error?.message;
  const said = typeof message === 'string' ? message : `HTTP ${status}`;
  if (status === 401) {
    throw new CliError(
      `${base} refused the admin key: ${said}; set CCB_ADMIN_KEY to one of its auth.admin_key`,
    );
  }
  throw new CliError(`${method} ${path}: ${said}`);
}
