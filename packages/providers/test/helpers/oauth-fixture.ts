import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createOAuthCredentials,
  type OAuthAccountStatus,
  type OAuthCredentials,
  type OAuthCredentialsOptions,
} from '../../src/index.js';
import { startTokenServer, type TokenServer } from './token-server.js';

/** A settable clock; tests move it instead of sleeping. */
export interface TestClock {
  readonly now: () => number;
  set(value: number): void;
  advance(byInMs: number): void;
}

export function createTestClock(start = Date.UTC(2030, 0, 1)): TestClock {
  let value = start;
  return {
    now: () => value,
    set: (next) => {
      value = next;
    },
    advance: (byInMs) => {
      value += byInMs;
    },
  };
}

export const hourInMs = 3_600_000;
export const refreshBeforeInMs = 5 * 60_000;

/** An account built on the fixture, with the statuses it published and a way to await one. */
export interface TestAccount {
  readonly credentials: OAuthCredentials;
  readonly statuses: OAuthAccountStatus[];
  /** Resolves with the first status (already published or next) matching `predicate`. */
  statusWhere(predicate: (status: OAuthAccountStatus) => boolean): Promise<OAuthAccountStatus>;
}

/** A temp directory, a token server and a clock for one test; `close()` tears them and every account down. */
export interface OAuthFixture {
  readonly directory: string;
  readonly tokenFile: string;
  readonly server: TokenServer;
  readonly clock: TestClock;
  account(options?: Partial<OAuthCredentialsOptions>): Promise<TestAccount>;
  close(): Promise<void>;
}

export async function createOAuthFixture(): Promise<OAuthFixture> {
  const directory = await mkdtemp(join(tmpdir(), 'ccb-oauth-'));
  const server = await startTokenServer();
  const clock = createTestClock();
  const accounts: OAuthCredentials[] = [];
  const tokenFile = join(directory, 'ccb-oauth-max.json');
  return {
    directory,
    tokenFile,
    server,
    clock,
    async account(overrides = {}) {
      const statuses: OAuthAccountStatus[] = [];
      const waiters: {
        predicate: (status: OAuthAccountStatus) => boolean;
        resolve: (s: OAuthAccountStatus) => void;
      }[] = [];
      const credentials = createOAuthCredentials({
        name: 'max',
        tokenFile,
        tokenUrl: server.url,
        clientId: 'test-client',
        refreshBeforeInMs,
        now: clock.now,
        fileCheckIntervalInMs: 10,
        ...overrides,
        onStatus: (status) => {
          statuses.push(status);
          for (const waiter of waiters.splice(0)) {
            if (waiter.predicate(status)) waiter.resolve(status);
            else waiters.push(waiter);
          }
        },
      });
      accounts.push(credentials);
      await credentials.ready();
      return {
        credentials,
        statuses,
        statusWhere(predicate) {
          const current = credentials.status();
          if (predicate(current)) return Promise.resolve(current);
          return new Promise((resolve) => waiters.push({ predicate, resolve }));
        },
      };
    },
    async close() {
      for (const credentials of accounts) credentials.close();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** A promise settled by the test: holds a token answer until the test lets it go. */
export function createGate(): { readonly opened: Promise<void>; open(): void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

/** The error a sync throw or a rejected Promise carried, `undefined` when the call succeeded. */
export async function failureOf(call: () => unknown): Promise<unknown> {
  try {
    await call();
    return undefined;
  } catch (error) {
    return error;
  }
}
