import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRouter, type RouterEvent } from '@ccb/router';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { adminResetRoute } from './admin-reset-route.js';

describe('POST /admin/reset', () => {
  it('lifts the ban of a subscription account the upstream refused', async () => {
    const events: RouterEvent[] = [];
    const router = createRouter({
      targets: [{ name: 'max', subscription: 'oauth' }, { name: 'key' }],
      strategy: 'priority',
      onEvent: (event) => events.push(event),
    });
    router.report('max', {
      result: 'failure',
      failure: 'status',
      status: 403,
      errorType: 'permission_error',
      errorMessage: 'This organization has been disabled.',
      headers: { 'x-should-retry': 'false' },
    });
    expect(router.plan({})).toEqual(['key']);
    const server = createServer(adminResetRoute(router));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const response = await request(`http://127.0.0.1:${port}/admin/reset?provider=max`, { method: 'POST' });
      expect(response.statusCode).toBe(200);
      expect(await response.body.json()).toEqual({ provider: 'max', reset: true });
      expect(router.plan({})).toEqual(['max', 'key']);
      expect(events.map((event) => [event.type, event.provider])).toEqual([
        ['benched', 'max'],
        ['unbenched', 'max'],
      ]);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
