import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { ProxyError } from './proxy-error.js';
import { closeWithAnswer, rawErrorAnswer } from './raw-error-answer.js';

/** Changes the cap of {@link limitConnectionsPerClient} live; 0: no cap. */
export type SetMaxConnectionsPerClient = (maxPerClient: number) => void;

/**
 * Caps the connections one client address may hold open at once (`server.max_connections_per_client`); 0: no cap.
 * A connection over the cap is answered at once, before any byte of it is parsed, with a 503 `overloaded_error`
 * and `retry-after: 1`, then closed: no parser, no request, no header timer is spent on it, so one client opening
 * hundreds of slow connections cannot crowd out the others. Loopback clients count like any other.
 *
 * Node's own connection listener is wrapped (`removeListener`, then called for admitted sockets), because a later
 * `connection` listener cannot stop Node from parsing the socket. Connections are counted even without a cap, so
 * that a reload may set one (the returned function): a lower cap refuses new connections while an address holds
 * more, and closes none.
 */
export function limitConnectionsPerClient(server: Server, maxPerClient: number): SetMaxConnectionsPerClient {
  const listeners = server.listeners('connection') as ((this: Server, socket: Socket) => void)[];
  const nodeListener = listeners[0];
  if (nodeListener === undefined || listeners.length !== 1) {
    throw new ProxyError(
      'CCB_PROXY_INVALID_OPTIONS',
      'the per-client connection cap needs a node:http server with only its own connection listener',
    );
  }
  let max = 0;
  let answer = '';
  const setMax: SetMaxConnectionsPerClient = (maxPerClient) => {
    max = maxPerClient;
    answer = rawErrorAnswer(
      503,
      'overloaded_error',
      `too many connections from this address: at most ${max} at once (server.max_connections_per_client)`,
      { headers: ['retry-after', '1'] },
    );
  };
  setMax(maxPerClient);
  const openByAddress = new Map<string, number>();
  // One listener for every socket: `remoteAddress` stays readable after close (Node keeps the peer name).
  function onClose(this: Socket): void {
    const address = this.remoteAddress as string;
    const open = (openByAddress.get(address) ?? 1) - 1;
    if (open === 0) openByAddress.delete(address);
    else openByAddress.set(address, open);
  }
  server.removeListener('connection', nodeListener);
  server.on('connection', function admit(this: Server, socket: Socket) {
    const address = socket.remoteAddress;
    // A socket the client already reset has no address: Node's listener cleans it up.
    if (address === undefined) return nodeListener.call(this, socket);
    const open = openByAddress.get(address) ?? 0;
    if (max > 0 && open >= max) {
      socket.resume(); // no parser reads this socket: drop what it sends until it closes
      return closeWithAnswer(socket, answer);
    }
    openByAddress.set(address, open + 1);
    socket.once('close', onClose);
    nodeListener.call(this, socket);
  });
  return setMax;
}
