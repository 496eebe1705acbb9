import { type IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { headersOf } from './head-builders.js';
import { nodeLine } from './header-field-rules.js';

const builtHeaders = Symbol('ccb.headers');
const headersCount = Symbol('ccb.headersCount');

/**
 * Node's request message, with a `headers` getter that builds the object by {@link headersOf}. Node's server reads
 * `headers` of every HTTP/1.1 request itself (for `host` and `expect`), so the object is always built: Node's own
 * building took ~3.4 µs of Claude Code's headers, ~5 % of a bare Node proxy's CPU per short request. It reads as
 * many fields as Node's parser hands over for `headers` (`server.maxHeadersCount`), taken from the parser's own
 * call. `joinDuplicateHeaders`, which ccb never sets, keeps Node's own getter.
 */
export class ProxyIncomingMessage extends IncomingMessage {
  /** Set by Node's parser from the server's option (undeclared in Node's types). */
  declare readonly joinDuplicateHeaders: boolean | null | undefined;
  [builtHeaders]: IncomingHttpHeaders | undefined = undefined;
  [headersCount] = 0;
}

const nodeHeaders = Object.getOwnPropertyDescriptor(IncomingMessage.prototype, 'headers');
if (nodeLine !== undefined && nodeHeaders?.get !== undefined && nodeHeaders.set !== undefined) {
  const nodeGet = nodeHeaders.get;
  const nodeSet = nodeHeaders.set;
  const nodeAddLines = nodeLine._addHeaderLines;
  // Methods and an accessor Node's types do not declare, or declare as a field: defined here, not in the class body.
  Object.defineProperties(ProxyIncomingMessage.prototype, {
    _addHeaderLines: {
      configurable: true,
      writable: true,
      value(this: ProxyIncomingMessage, headers: string[], n: number): void {
        // Node's parser calls this once with the head's fields and `n`, how many of them `headers` holds, and again
        // with the trailers once the message is complete.
        if (!this.complete) this[headersCount] = n;
        nodeAddLines.call(this, headers, n);
      },
    },
    headers: {
      configurable: true,
      get(this: ProxyIncomingMessage): IncomingHttpHeaders {
        if (this.joinDuplicateHeaders) return nodeGet.call(this) as IncomingHttpHeaders;
        let headers = this[builtHeaders];
        // As Node's getter: built again after `headers` was set to nothing.
        if (!headers) {
          headers = headersOf(this.rawHeaders, this[headersCount]);
          this[builtHeaders] = headers;
        }
        return headers;
      },
      set(this: ProxyIncomingMessage, value: IncomingHttpHeaders) {
        if (this.joinDuplicateHeaders) nodeSet.call(this, value);
        else this[builtHeaders] = value;
      },
    },
  });
}
