import type { BudgetEntry, BudgetReserveOutcome, Budgets } from '@ccb/ledger';
import type { AdmissionRequest, AttemptPlanner, RequestRejection, RouteRequest } from '@ccb/proxy';
import type { SpendEstimate } from './spend-estimate.js';

type Pending = BudgetReserveOutcome | Promise<BudgetReserveOutcome>;

/** What one request holds: its key's reservation (taken at admission) and its provider's (taken when routed). */
interface RequestHolds {
  /** The budgets the reservations were taken from: a reload that changed them leaves these behind. */
  readonly budgets: Budgets;
  key: Pending | undefined;
  provider: Pending | undefined;
}

/** Budget reservations of requests in flight, from admission to their record. */
export interface BudgetHolds {
  /**
   * Reserves a Messages request's estimate against its key's budgets: the 429 of a key over budget when refused.
   * Asynchronous only when a shared store decides; free for a request no budget applies to.
   */
  admit(request: AdmissionRequest): RequestRejection | undefined | Promise<RequestRejection | undefined>;
  /**
   * Wraps a planner: a plan's leading providers whose budgets are used up (settled + reserved) are left out, unless
   * that leaves none (as benched ones are), and the first remaining provider with a budget gets a reservation.
   */
  planner(planner: AttemptPlanner): AttemptPlanner;
  /** Ends a finished request's reservations: `entry` (what it spent) is settled, or without one all are released. */
  end(requestId: string, entry: BudgetEntry | undefined): void;
}

export interface BudgetHoldsOptions {
  /** The budgets in force (a reload replaces them); `undefined`: none. */
  readonly budgets: () => Budgets | undefined;
  /** Whether a provider has a budget: without any, plans are never looked at. */
  readonly anyProviderBudget: () => boolean;
  readonly estimate: SpendEstimate;
  /** A shared store that failed to answer (it fails open: the request is admitted). */
  readonly onError?: (error: unknown) => void;
}

/** Requests whose record never came (none should: every admitted request is recorded) are forgotten past this. */
const maxHeld = 100_000;

export function createBudgetHolds(options: BudgetHoldsOptions): BudgetHolds {
  const byRequest = new Map<string, RequestHolds>();
  // The proxy hands the planner the very object it admitted: that is how a plan finds its request's holds.
  const byRoute = new WeakMap<RouteRequest, RequestHolds>();

  function rejectionOf(outcome: BudgetReserveOutcome): RequestRejection | undefined {
    if (outcome.granted) return undefined;
    return overBudget(outcome.budget, outcome.resetsAt);
  }

  /** A shared store that failed serves like no reservation: the request goes ahead and its spend still counts. */
  function failOpen(error: unknown): BudgetReserveOutcome {
    options.onError?.(error);
    return { granted: true, reservation: { settle: (entry) => options.budgets()?.add(entry), release() {} } };
  }

  function hold(requestId: string, route: RouteRequest, budgets: Budgets): RequestHolds {
    if (byRequest.size >= maxHeld) {
      const oldest = byRequest.keys().next().value as string;
      end(oldest, undefined);
    }
    const holds: RequestHolds = { budgets, key: undefined, provider: undefined };
    byRequest.set(requestId, holds);
    byRoute.set(route, holds);
    return holds;
  }

  function end(requestId: string, entry: BudgetEntry | undefined): void {
    const holds = byRequest.get(requestId);
    if (holds === undefined) {
      if (entry !== undefined) options.budgets()?.add(entry);
      return;
    }
    byRequest.delete(requestId);
    const pending = [holds.key, holds.provider].filter((outcome) => outcome !== undefined);
    const finish = (outcomes: readonly BudgetReserveOutcome[]) => {
      // Budgets rebuilt by a reload count from their own start: the spend goes to them, the old reservations end.
      const current = options.budgets();
      let counted = entry === undefined;
      for (const outcome of outcomes) {
        if (!outcome.granted) continue;
        // One reservation counts the spend (toward the provider and key that actually served); the others release.
        if (counted || current !== holds.budgets) outcome.reservation.release();
        else outcome.reservation.settle(entry as BudgetEntry);
        counted = true;
      }
      if (entry !== undefined && (!counted || current !== holds.budgets)) current?.add(entry);
    };
    if (pending.every((outcome) => !(outcome instanceof Promise))) {
      finish(pending as BudgetReserveOutcome[]);
    } else {
      void Promise.all(pending.map((outcome) => Promise.resolve(outcome).catch(failOpen))).then(finish);
    }
  }

  return {
    admit({ requestId, clientKeyId, route }) {
      const budgets = options.budgets();
      if (budgets === undefined) return undefined;
      const keyBudgeted = clientKeyId !== '' && budgets.applies('key', clientKeyId);
      if ((route.api ?? 'messages') !== 'messages') {
        // Not billed per request: nothing to reserve, but a key over budget is refused everything.
        if (!keyBudgeted) return undefined;
        const check = budgets.check('key', clientKeyId);
        return check.exceeded ? overBudget(check.budget, check.resetsAt) : undefined;
      }
      if (!keyBudgeted && !options.anyProviderBudget()) return undefined;
      const holds = hold(requestId, route, budgets);
      if (!keyBudgeted) return undefined;
      const outcome = budgets.reserve({ keyId: clientKeyId, ...options.estimate.estimate(route, undefined) });
      if (!(outcome instanceof Promise)) {
        holds.key = outcome;
        return rejectionOf(outcome);
      }
      const decided = outcome.catch(failOpen);
      holds.key = decided;
      return decided.then(rejectionOf);
    },
    planner(inner) {
      return {
        route(request) {
          const plan = inner.route(request);
          const holds = byRoute.get(request);
          const budgets = options.budgets();
          if (holds === undefined || budgets === undefined || holds.provider !== undefined) return plan;
          const { providers } = plan;
          const first = providers.findIndex(
            (name) => !budgets.applies('provider', name) || budgets.canReserve('provider', name),
          );
          // Every provider's budget is used up: the plan stands, as the router's own fallback offers a benched one.
          if (first === -1) return plan;
          const name = providers[first] as string;
          if (budgets.applies('provider', name)) {
            const outcome = budgets.reserve({ provider: name, ...options.estimate.estimate(request, name) });
            // Not awaited (planning is synchronous): a shared store's late refusal only means this request goes on.
            holds.provider = outcome instanceof Promise ? outcome.catch(failOpen) : outcome;
          }
          return first === 0 ? plan : { ...plan, providers: providers.slice(first) };
        },
        report: (name, outcome, request) => inner.report(name, outcome, request),
        // A planner is made for one set of settings: what it says of them does not change.
        ...(inner.hasOAuthTargets !== undefined ? { hasOAuthTargets: inner.hasOAuthTargets } : {}),
      };
    },
    end,
  };
}

/** The answer to a request over a key's budget: the same as before reservations. */
function overBudget(budget: string, resetsAt: number): RequestRejection {
  return {
    status: 429,
    type: 'rate_limit_error',
    message: `ccb: ${budget} is used up; it resets at ${new Date(resetsAt).toISOString()}`,
    retryAt: resetsAt,
  };
}
