import { cost } from './cost.js';
import { priority } from './priority.js';
import { roundRobin } from './round-robin.js';
import { describeStrategyConformance } from './testing/index.js';
import { weighted } from './weighted.js';

describeStrategyConformance({
  name: 'round-robin',
  create: (random) => roundRobin({ random }),
  expectedShares: (weights) => weights.map(() => 1 / weights.length),
});

describeStrategyConformance({
  name: 'weighted',
  create: (random) => weighted({ random }),
  expectedShares: (weights) => {
    const totalWeight = weights.reduce((sum, weight) => sum + weight, 0);
    return weights.map((weight) => weight / totalWeight);
  },
});

describeStrategyConformance({
  name: 'priority',
  create: () => priority(),
  expectedShares: (weights) => weights.map((_, index) => (index === 0 ? 1 : 0)),
});

// Without prices, cost shares turns exactly like weighted; its price ordering is tested in cost.test.ts.
describeStrategyConformance({
  name: 'cost',
  create: (random) => cost({ random }),
  expectedShares: (weights) => {
    const totalWeight = weights.reduce((sum, weight) => sum + weight, 0);
    return weights.map((weight) => weight / totalWeight);
  },
});
