import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the token server received, its JSON body parsed. */
export interface TokenRequest {
  readonly body: Record<string, string>;
  readonly contentType: string | undefined;
}

/** What the server answers: a status and JSON, or `'hang'` to never answer (timeouts). */
export type TokenAnswer = { readonly status: number; readonly json: unknown } | 'hang';

/** A real token endpoint on 127.0.0.1 whose answers each test scripts. */
export interface TokenServer {
  readonly url: string;
  readonly requests: TokenRequest[];
  /** How the next requests are answered; default: a fresh rotating token pair per request. */
  answer(answerer: (request: TokenRequest, index: number) => TokenAnswer | Promise<TokenAnswer>): void;
  /** Resolves once `count` requests have arrived in total. */
  requestsReceived(count: number): Promise<void>;
  close(): Promise<void>;
}

/** The default answer: `access-N` / `refresh-N` for the N-th request (1-based), valid for 8 hours. */
export function rotatingAnswer(_request: TokenRequest, index: number): TokenAnswer {
  return {
    status: 200,
    json: {
      access_token: `access-${index + 1}`,
      refresh_token: `refresh-${index + 1}`,
      expires_in: 28_800,
      token_type: 'Bearer',
      scope: 'user:inference',
    },
  };
}

export async function startTokenServer(): Promise<TokenServer> {
  const requests: TokenRequest[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const hanging: ServerResponse[] = [];
  let answerer: (request: TokenRequest, index: number) => TokenAnswer | Promise<TokenAnswer> = rotatingAnswer;
  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', async () => {
      const tokenRequest: TokenRequest = {
        body: JSON.parse(Buffer.concat(chunks).toString() || '{}'),
        contentType: incoming.headers['content-type'],
      };
      const index = requests.push(tokenRequest) - 1;
      for (const waiter of waiters.splice(0)) {
        if (requests.length >= waiter.count) waiter.resolve();
        else waiters.push(waiter);
      }
      const answer = await answerer(tokenRequest, index);
      if (answer === 'hang') {
        hanging.push(outgoing);
        return;
      }
      outgoing
        .writeHead(answer.status, { 'content-type': 'application/json' })
        .end(JSON.stringify(answer.json));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/oauth/token`;
  return {
    url,
    requests,
    answer(next) {
      answerer = next;
    },
    requestsReceived(count) {
      if (requests.length >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    async close() {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
