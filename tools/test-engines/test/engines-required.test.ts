import { describe, expect, it } from 'vitest';
import {
  enginesRequired,
  nginxSkipReason,
  ownPostgresSkipReason,
  ownRedisSkipReason,
  postgresSkipReason,
  redisSkipReason,
} from '../src/index.js';

describe('engines required (CCB_REQUIRE_ENGINES=1, as .ci/run sets it)', () => {
  it('turns every skip reason into none, so a missing engine fails its tests instead of skipping them', () => {
    const required = { CCB_REQUIRE_ENGINES: '1' };
    expect(enginesRequired(required)).toBe(true);
    expect(enginesRequired({})).toBe(false);
    for (const reason of [
      nginxSkipReason,
      redisSkipReason,
      postgresSkipReason,
      ownRedisSkipReason,
      ownPostgresSkipReason,
    ]) {
      expect(reason(required)).toBeUndefined();
    }
  });
});
