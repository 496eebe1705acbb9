/** One server-sent event: its name (`message` when none was given) and its data lines joined. */
export interface SseMessage {
  readonly event: string;
  readonly data: string;
}

/**
 * Parses a text/event-stream as it arrives, in chunks cut anywhere (the WHATWG rules: lines end in CR, LF or CRLF;
 * a blank line ends a message; `:` lines are comments; `data` lines join with LF). `EventSource` would do this, but
 * it cannot send the admin key as a header, so the dashboard reads the stream with `fetch()`.
 */
export function createSseParser(): { feed(chunk: string): SseMessage[] } {
  let buffer = '';
  let event = '';
  let data: string[] = [];
  return {
    feed(chunk) {
      buffer += chunk;
      const messages: SseMessage[] = [];
      for (;;) {
        const end = buffer.search(/\r\n|\r|\n/);
        if (end === -1) break;
        // A CR at the very end may be the first half of a CRLF still on its way.
        if (buffer[end] === '\r' && end === buffer.length - 1) break;
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + (buffer.startsWith('\r\n', end) ? 2 : 1));
        if (line === '') {
          if (data.length > 0)
            messages.push({ event: event === '' ? 'message' : event, data: data.join('\n') });
          event = '';
          data = [];
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon === -1 ? line : line.slice(0, colon);
        let value = colon === -1 ? '' : line.slice(colon + 1);
        if (value.startsWith(' ')) value = value.slice(1);
        if (field === 'event') event = value;
        else if (field === 'data') data.push(value);
      }
      return messages;
    },
  };
}
