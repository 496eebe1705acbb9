import { createMockUpstream } from '@ccb/mock-upstream';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { fixedPlanner, messageBody, post, startProxy, target } from './harness.js';

describe('the API surface each attempt served', () => {
  it('is told to the planner with the request, so that only the Messages API judges credentials', async () => {
    const mock = await createMockUpstream({ name: 'm1' });
    const planner = fixedPlanner(['m1']);
    // An operator's extra route: a path beyond the Anthropic API the client may use.
    const proxy = await startProxy([target('m1', mock.url)], {
      planner,
      extraApiRoutes: ['GET /v1/whatever'],
    });
    try {
      await post(proxy.url, '/v1/messages', messageBody());
      await post(proxy.url, '/v1/messages/count_tokens', messageBody());
      for (const path of ['/v1/models', '/v1/models/claude-sonnet-4-6', '/v1/whatever', '/v1/whatever']) {
        await (await request(`${proxy.url}${path}`)).body.dump();
      }
      expect(planner.routed.map((route) => route.api)).toEqual([
        'messages',
        'count_tokens',
        'models',
        'models',
        'other',
        'other',
      ]);
      expect(planner.reports.map(([, , route]) => route?.api)).toEqual(
        planner.routed.map((route) => route.api),
      );
      // A request whose body routing does not read shares one route per surface: nothing allocated for it.
      expect(planner.routed[4]).toBe(planner.routed[5]);
    } finally {
      await proxy.close();
      await mock.close();
    }
  });
});
