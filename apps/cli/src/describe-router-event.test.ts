import { describe, expect, it } from 'vitest';
import { describeRouterEvent } from './describe-router-event.js';
import { needsLoginReason } from './oauth-accounts.js';

const at = Date.UTC(2026, 11, 6, 8, 0, 0);

describe('describeRouterEvent', () => {
  it('says a ban once, as an error, with the upstream’s words and how to lift it', () => {
    expect(
      describeRouterEvent({
        type: 'benched',
        provider: 'max',
        reason: 'banned',
        until: Number.POSITIVE_INFINITY,
        message: 'This organization has been disabled.',
        at,
      }),
    ).toEqual({
      level: 'error',
      message:
        'provider max: the upstream refused this subscription account (403 permission_error: "This organization has been disabled."); left out of routing until an operator resets it (POST /admin/reset?provider=max)',
    });
  });

  it('says once that a subscription account needs a new login, and how to give it one', () => {
    expect(
      describeRouterEvent({
        type: 'benched',
        provider: 'max',
        reason: needsLoginReason,
        until: Number.POSITIVE_INFINITY,
        at,
      }),
    ).toEqual({
      level: 'error',
      message:
        'provider max: this subscription account needs a new login (its refresh token was refused); left out of routing until `ccb login max` writes a new token file, which ccb picks up by itself',
    });
  });

  it('describes a bench without a deadline without a date', () => {
    expect(
      describeRouterEvent({
        type: 'benched',
        provider: 'a',
        reason: 'operator',
        until: Number.POSITIVE_INFINITY,
        at,
      }).message,
    ).toBe('provider a: benched (operator) until an operator lifts it');
    expect(
      describeRouterEvent({ type: 'benched', provider: 'a', reason: 'budget', until: at + 60_000, at })
        .message,
    ).toBe('provider a: benched (budget) until 2026-12-06T08:01:00.000Z');
  });
});
