// The conformance suite as a strategy author imports it: through the package's exports map (the built files), not
// the source, so a broken `./testing` entry fails here.
import { roundRobin, weighted } from '@ccb/router';
import { describeStrategyConformance } from '@ccb/router/testing';

describeStrategyConformance({
  name: 'round-robin, from the published entry points',
  create: (random) => roundRobin({ random }),
  expectedShares: (weights) => weights.map(() => 1 / weights.length),
});

describeStrategyConformance({
  name: 'weighted, from the published entry points',
  create: (random) => weighted({ random }),
  expectedShares: (weights) => {
    const total = weights.reduce((sum, weight) => sum + weight, 0);
    return weights.map((weight) => weight / total);
  },
});
