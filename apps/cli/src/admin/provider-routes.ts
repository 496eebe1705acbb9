import { type ProviderPatch, providerPatchSchema } from '@ccb/admin-api';
import type { Balancer } from '../balancer.js';
import { isCcbError } from '../cli-error.js';
import type { RouteListener } from '../route-table.js';
import type { AdminControl } from './admin-control.js';
import { AdminRequestError, persistFlag, readJsonBody, sendAdminFailure, sendJson } from './admin-json.js';
import { providersView } from './providers-view.js';

/** What the provider routes act on. */
export interface ProviderRoutesOptions {
  readonly balancer: () => Balancer;
  /** Writes a change into the config file and reloads it; absent when ccb runs without a file. */
  readonly control: () => AdminControl | undefined;
}

/** `GET /admin/providers`: every configured provider with its state, health, limits and spend. */
export function listProvidersRoute(options: ProviderRoutesOptions): RouteListener {
  return (_request, response) => {
    providersView(options.balancer()).then(
      (providers) => sendJson(response, 200, { providers }),
      (error: unknown) => sendAdminFailure(response, error, 'the providers could not be listed'),
    );
  };
}

/** `GET /admin/providers/{name}`: one provider, as the list shows it. */
export function getProviderRoute(options: ProviderRoutesOptions): RouteListener {
  return (_request, response, params) => {
    void (async () => {
      const name = params.name as string;
      requireProvider(options.balancer(), name);
      sendJson(response, 200, await viewOf(options.balancer(), name));
    })().catch((error: unknown) =>
      sendAdminFailure(response, error, `provider ${params.name} could not be shown`),
    );
  };
}

/** `PATCH /admin/providers/{name}` with `{ weight?, priority?, enabled? }`, `?persist=true` to write the file. */
export function patchProviderRoute(options: ProviderRoutesOptions): RouteListener {
  return (request, response, params) => {
    void (async () => {
      const name = params.name as string;
      requireProvider(options.balancer(), name);
      const persist = persistFlag(request);
      const parsed = providerPatchSchema.safeParse(await readJsonBody(request));
      if (!parsed.success) {
        throw new AdminRequestError(400, 'invalid_request_error', describeIssues(parsed.error.issues));
      }
      await change(options, name, parsed.data, persist);
      sendJson(response, 200, { ...(await viewOf(options.balancer(), name)), persisted: persist });
    })().catch((error: unknown) =>
      sendAdminFailure(response, error, `provider ${params.name} could not be changed`),
    );
  };
}

/** The actions of `POST /admin/providers/{name}/{action}`. */
export type ProviderAction = 'disable' | 'enable' | 'drain' | 'reset';

/** `POST /admin/providers/{name}/disable|enable|drain|reset` (`?persist=true` for disable and enable). */
export function providerActionRoute(options: ProviderRoutesOptions, action: ProviderAction): RouteListener {
  return (request, response, params) => {
    void (async () => {
      const name = params.name as string;
      const balancer = options.balancer();
      requireProvider(balancer, name);
      const persist = action === 'disable' || action === 'enable' ? persistFlag(request) : false;
      switch (action) {
        case 'disable':
          await change(options, name, { enabled: false }, persist);
          break;
        case 'enable':
          // Enabling also ends a drain: the operator wants the provider back.
          await change(options, name, { enabled: true }, persist, { draining: undefined });
          break;
        case 'drain':
          balancer.overrides.set(name, { draining: true });
          balancer.applyOverrides();
          break;
        case 'reset':
          balancer.router.reset(name);
          balancer.router.unbench(name);
          break;
      }
      sendJson(response, 200, { ...(await viewOf(options.balancer(), name)), persisted: persist });
    })().catch((error: unknown) =>
      sendAdminFailure(response, error, `provider ${params.name}: ${action} failed`),
    );
  };
}

/**
 * Applies a patch: as a runtime override, or written into the config file and reloaded from it (the override of
 * those fields then ends, since the file says the same).
 */
async function change(
  options: ProviderRoutesOptions,
  name: string,
  patch: ProviderPatch,
  persist: boolean,
  alsoOverride: { draining?: undefined } = {},
) {
  const balancer = options.balancer();
  if (!persist) {
    balancer.overrides.set(name, { ...patch, ...alsoOverride });
    balancer.applyOverrides();
    return;
  }
  const control = options.control();
  if (control === undefined) {
    throw new AdminRequestError(
      409,
      'invalid_request_error',
      'ccb runs without a config file: there is nothing to persist to',
    );
  }
  try {
    await control.persist(name, patch);
  } catch (error) {
    // The file cannot take the change (not writable, the provider not written in it by name, rejected on reading
    // back): the operator's to fix, said as it is.
    if (isCcbError(error)) throw new AdminRequestError(409, 'invalid_request_error', error.message);
    throw error;
  }
  balancer.overrides.set(name, {
    ...alsoOverride,
    ...(patch.weight !== undefined ? { weight: undefined } : {}),
    ...(patch.priority !== undefined ? { priority: undefined } : {}),
    ...(patch.enabled !== undefined ? { enabled: undefined } : {}),
  });
  balancer.applyOverrides();
}

function requireProvider(balancer: Balancer, name: string): void {
  if (!balancer.config.providers.some((provider) => provider.name === name)) {
    throw new AdminRequestError(404, 'not_found_error', `no provider named ${JSON.stringify(name)}`);
  }
}

async function viewOf(balancer: Balancer, name: string) {
  return (await providersView(balancer)).find((provider) => provider.name === name);
}

function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues
    .map((issue) =>
      issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message,
    )
    .join('; ');
}
