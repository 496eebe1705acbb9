import type { ResponseHeaders } from '@ccb/protocol';
import { redactedText } from './secret-scrubber.js';

/** Response headers whose values help debugging and carry no credentials; every other value is redacted. */
const safeHeaderPattern =
  /^(?:request-id|x-request-id|retry-after|retry-after-ms|content-type|content-length|x-should-retry|anthropic-ratelimit-[a-z0-9-]+|x-ratelimit-[a-z0-9-]+|date|server|via)$/;

/** Upstream headers for a debug log line: safe names with their values, all other names with `[redacted]`. */
export function summarizeHeaders(headers: ResponseHeaders): Record<string, string> {
  const summary: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    summary[name] = safeHeaderPattern.test(name)
      ? typeof value === 'string'
        ? value
        : value.join(', ')
      : redactedText;
  }
  return summary;
}
