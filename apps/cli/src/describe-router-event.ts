import type { RouterEvent } from '@ccb/router';
import { needsLoginReason } from './oauth-accounts.js';

/** A log line for a health change: said once per change, never per request. */
export function describeRouterEvent(event: RouterEvent): {
  level: 'info' | 'warn' | 'error';
  message: string;
} {
  const until = (at: number) => new Date(at).toISOString();
  switch (event.type) {
    case 'state-change': {
      const status = event.status === null ? '' : ` (status ${event.status})`;
      if (event.to === 'open' && event.reason === 'auth') {
        return {
          level: 'error',
          message: `provider ${event.provider}: credentials rejected${status}; skipping it until ${until(event.until ?? event.at)}: check its credentials`,
        };
      }
      const tail = event.to === 'open' && event.until !== null ? ` until ${until(event.until)}` : '';
      return {
        level: event.to === 'closed' ? 'info' : 'warn',
        message: `provider ${event.provider}: circuit ${event.from} → ${event.to} (${event.reason}${status})${tail}`,
      };
    }
    case 'rate-limited':
      return {
        level: 'warn',
        message: `provider ${event.provider}: ${event.rateLimitClass.replaceAll('_', ' ')}${event.status === null ? '' : ` (status ${event.status})`}, cooling down until ${until(event.until)}`,
      };
    case 'rate-limit-ended':
      return { level: 'info', message: `provider ${event.provider}: cool-down over (${event.reason})` };
    case 'deprioritized':
      return {
        level: 'info',
        message: `provider ${event.provider}: running low (${event.reason}), tried last in its tier until ${until(event.until)}`,
      };
    case 'reprioritized':
      return { level: 'info', message: `provider ${event.provider}: back to its normal share` };
    case 'benched':
      if (event.reason === 'banned') {
        // Said once per ban: the account answered 403 permission_error with x-should-retry: false.
        return {
          level: 'error',
          message: `provider ${event.provider}: the upstream refused this subscription account (403 permission_error: ${JSON.stringify(event.message ?? '')}); left out of routing until an operator resets it (POST /admin/reset?provider=${event.provider})`,
        };
      }
      if (event.reason === needsLoginReason) {
        return {
          level: 'error',
          message: `provider ${event.provider}: this subscription account needs a new login (its refresh token was refused); left out of routing until \`ccb login ${event.provider}\` writes a new token file, which ccb picks up by itself`,
        };
      }
      return {
        level: 'warn',
        message: `provider ${event.provider}: benched (${event.reason}) ${Number.isFinite(event.until) ? `until ${until(event.until)}` : 'until an operator lifts it'}`,
      };
    case 'unbenched':
      return {
        level: 'info',
        message: `provider ${event.provider}: back from the bench (${event.benchReason}, ${event.reason})`,
      };
  }
}
