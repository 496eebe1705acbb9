/** @ccb/cli as a library: build the same balancer `ccb serve` runs, from a resolved configuration. */
export type { Balancer, Reconfiguration } from './balancer.js';
export { type ComposeOptions, composeBalancer } from './compose.js';
export { type CostAccounting, createCostAccounting } from './cost-accounting.js';
