/**
 * Whether the test engines must be there (`CCB_REQUIRE_ENGINES=1`, which `.ci/run` sets): a skip reason is then
 * no skip at all, so a CI machine where Redis, PostgreSQL or nginx failed to install or start fails its tests instead
 * of passing green with them skipped.
 */
export function enginesRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.CCB_REQUIRE_ENGINES === '1';
}
