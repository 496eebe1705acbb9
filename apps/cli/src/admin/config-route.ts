import { redactConfig } from '@ccb/config';
import type { Balancer } from '../balancer.js';
import type { RouteListener } from '../route-table.js';
import { sendJson } from './admin-json.js';

/** `GET /admin/config`: the configuration in force, every secret as `***`. */
export function configRoute(balancer: () => Balancer): RouteListener {
  return (_request, response) => sendJson(response, 200, redactConfig(balancer().config));
}
