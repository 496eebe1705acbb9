import type {
  AdminEvent,
  AdminProvider,
  BudgetsReport,
  ProviderList,
  ReloadResult,
  UsageReport,
} from '@ccb/admin-api';
import { createSseParser } from './sse-parser.js';

/** A refused or failed admin request: `status` 0 when no answer came. */
export class AdminRequestError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'AdminRequestError';
    this.status = status;
  }
}

export type ProviderAction = 'disable' | 'enable' | 'drain' | 'reset';

/** The admin API as the dashboard uses it. The key goes in `x-api-key`, never in a URL. */
export interface AdminClient {
  providers(): Promise<AdminProvider[]>;
  usage(since: string, by: 'provider' | 'model' | 'key'): Promise<UsageReport>;
  /** Budgets with what is left, prompt-cache savings and session affinity. */
  budgets(): Promise<BudgetsReport>;
  act(provider: string, action: ProviderAction): Promise<void>;
  reload(): Promise<ReloadResult>;
  /** Reads `GET /admin/events` until `signal` aborts or the stream ends; resolves then, rejects on failure. */
  events(onEvent: (event: AdminEvent) => void, signal: AbortSignal): Promise<void>;
}

/** `base`: where the admin API is: beside the page (`/ui` → `/admin/…`, also under a reverse proxy's prefix). */
export function createAdminClient(adminKey: string, base = new URL('./', document.baseURI)): AdminClient {
  const url = (path: string) => new URL(path, base).href;
  const headers = { 'x-api-key': adminKey, accept: 'application/json' };

  async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
    let response: Response;
    try {
      response = await fetch(url(path), { ...init, headers, cache: 'no-store', credentials: 'omit' });
    } catch (error) {
      throw new AdminRequestError(0, `ccb did not answer (${(error as Error).message})`);
    }
    const text = await response.text();
    const body = text === '' ? undefined : (JSON.parse(text) as unknown);
    if (!response.ok && !(response.status === 422 && path === 'admin/reload')) {
      const message = (body as { error?: { message?: string } } | undefined)?.error?.message;
      throw new AdminRequestError(response.status, message ?? `${response.status} ${response.statusText}`);
    }
    return body as T;
  }

  return {
    providers: async () => (await call<ProviderList>('admin/providers')).providers,
    usage: (since, by) =>
      call<UsageReport>(`admin/usage?since=${encodeURIComponent(since)}&by=${encodeURIComponent(by)}`),
    budgets: () => call<BudgetsReport>('admin/budgets'),
    act: async (provider, action) => {
      await call(`admin/providers/${encodeURIComponent(provider)}/${action}`, { method: 'POST' });
    },
    reload: () => call<ReloadResult>('admin/reload', { method: 'POST' }),
    async events(onEvent, signal) {
      let response: Response;
      try {
        response = await fetch(url('admin/events'), {
          headers: { 'x-api-key': adminKey, accept: 'text/event-stream' },
          cache: 'no-store',
          credentials: 'omit',
          signal,
        });
      } catch (error) {
        if (signal.aborted) return;
        throw new AdminRequestError(0, `ccb did not answer (${(error as Error).message})`);
      }
      if (!response.ok || response.body === null) {
        throw new AdminRequestError(response.status, `the event stream was refused (${response.status})`);
      }
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      const parser = createSseParser();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          for (const message of parser.feed(value)) {
            onEvent(JSON.parse(message.data) as AdminEvent);
          }
        }
      } catch (error) {
        if (signal.aborted) return;
        throw error;
      }
    },
  };
}
