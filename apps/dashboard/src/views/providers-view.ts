import type { AdminProvider, BudgetReadingWire } from '@ccb/admin-api';
import type { ProviderAction } from '../admin-client.js';
import { h, replace } from '../dom.js';
import { formatClock, formatCount, formatLatency, formatPercent, formatUsd } from '../format.js';
import type { ProviderHistory } from '../provider-history.js';
import { providerStatus, windowName } from '../reason-words.js';
import { sparkline } from '../sparkline.js';

/** What a click on an action asks for; the caller confirms and calls the API. */
export type ActionRequest = (provider: string, action: ProviderAction) => void;

const budgetLabels: [keyof AdminProvider['rate_limit'], string][] = [
  ['requests', 'requests'],
  ['tokens', 'tokens'],
  ['input_tokens', 'input tokens'],
  ['output_tokens', 'output tokens'],
];

function budgetBar(label: string, reading: BudgetReadingWire, nowInMs: number): HTMLElement | null {
  if (reading.limit === null || reading.remaining === null || reading.limit <= 0) return null;
  const reset =
    reading.reset_at === null ? '' : `, refills ${formatClock(Date.parse(reading.reset_at), nowInMs)}`;
  const text = `${label}: ${formatCount(reading.remaining)} of ${formatCount(reading.limit)} left${reset}`;
  return h(
    'div',
    { class: 'bar' },
    h('span', {}, text),
    h('meter', {
      min: 0,
      max: reading.limit,
      low: reading.limit * 0.2,
      high: reading.limit * 0.5,
      optimum: reading.limit,
      value: reading.remaining,
      'aria-label': text,
    }),
  );
}

function unifiedGauges(provider: AdminProvider, nowInMs: number): HTMLElement | null {
  const windows = Object.entries(provider.unified?.windows ?? {}).sort(([left], [right]) =>
    left.localeCompare(right, 'en', { numeric: true }),
  );
  if (windows.length === 0) return null;
  return h(
    'div',
    { class: 'gauges' },
    ...windows.map(([name, window]) => {
      const used = window.utilization ?? 0;
      const reset =
        window.reset_at === null ? '' : `, resets ${formatClock(Date.parse(window.reset_at), nowInMs)}`;
      const text = `${windowName(name)} window: ${formatPercent(used)} used${reset}`;
      return h(
        'div',
        { class: 'bar' },
        h('span', {}, text),
        h('meter', {
          min: 0,
          max: 1,
          low: 0.7,
          high: 0.9,
          optimum: 0,
          value: Math.min(used, 1),
          'aria-label': text,
        }),
      );
    }),
  );
}

function actionButtons(provider: AdminProvider, onAction: ActionRequest): HTMLElement {
  const button = (action: ProviderAction, label: string, shown: boolean) =>
    shown
      ? h(
          'button',
          { type: 'button', 'data-action': action, 'aria-label': `${label} ${provider.name}` },
          label,
        )
      : null;
  const running = provider.state === 'serving';
  const element = h(
    'div',
    { class: 'actions' },
    button('disable', 'Disable', running),
    button('drain', 'Drain', running),
    button('enable', 'Enable', !running),
    button('reset', 'Reset health', true),
  );
  element.addEventListener('click', (event) => {
    const target = (event.target as HTMLElement).closest('button');
    const action = target?.dataset.action as ProviderAction | undefined;
    if (action !== undefined) onAction(provider.name, action);
  });
  return element;
}

/** One card per provider, in configuration order. */
export function renderProviders(
  container: HTMLElement,
  providers: readonly AdminProvider[],
  history: ProviderHistory,
  onAction: ActionRequest,
  nowInMs: number,
): void {
  replace(
    container,
    ...providers.map((provider) => {
      const status = providerStatus(provider, nowInMs);
      const samples = history.of(provider.name);
      const until = provider.health.cooling_down_until;
      const effective = provider.effective;
      return h(
        'article',
        {
          class: `provider tone-${status.tone}`,
          'data-provider': provider.name,
          'data-circuit': provider.health.circuit,
          'data-state': provider.state,
          'aria-labelledby': `provider-${provider.name}`,
        },
        h(
          'header',
          {},
          h('h3', { id: `provider-${provider.name}` }, provider.name),
          h('span', { class: 'badge', 'data-role': 'status' }, status.label),
        ),
        h(
          'p',
          { class: 'kind' },
          `${provider.auth_type} · ${provider.base_url}`,
          provider.key_fingerprint === null ? '' : ` · key ${provider.key_fingerprint}`,
        ),
        status.reason === null
          ? null
          : h(
              'p',
              {
                class: 'reason',
                'data-role': 'reason',
                'data-until': until === null ? undefined : String(Date.parse(until)),
              },
              status.reason,
            ),
        h(
          'dl',
          { class: 'facts' },
          h('dt', {}, 'circuit'),
          h('dd', { 'data-role': 'circuit' }, provider.health.circuit),
          h('dt', {}, 'weight / priority'),
          h('dd', {}, `${effective.weight} / ${effective.priority}`),
          h('dt', {}, 'in flight'),
          h('dd', {}, String(provider.in_flight)),
          h('dt', {}, 'spend today'),
          h('dd', {}, formatUsd(provider.spend_today_usd)),
          h('dt', {}, `p50 / p95 (${provider.recent.window_seconds / 60} min)`),
          h(
            'dd',
            {},
            `${formatLatency(provider.recent.latency_ms_p50)} / ${formatLatency(provider.recent.latency_ms_p95)}`,
          ),
          h('dt', {}, 'error rate'),
          h('dd', {}, `${formatPercent(provider.recent.error_rate)} of ${provider.recent.requests}`),
        ),
        h(
          'div',
          { class: 'sparklines' },
          h(
            'figure',
            {},
            sparkline(
              samples.map((sample) => sample.latencyP50InMs),
              `latency p50 of ${provider.name}, last ${samples.length} readings`,
            ),
            h('figcaption', {}, 'latency p50'),
          ),
          h(
            'figure',
            {},
            sparkline(
              samples.map((sample) => sample.errorRate),
              `error rate of ${provider.name}, last ${samples.length} readings`,
              0.05,
            ),
            h('figcaption', {}, 'error rate'),
          ),
        ),
        h(
          'div',
          { class: 'bars' },
          ...budgetLabels.map(([kind, label]) => {
            const reading = provider.rate_limit[kind];
            return reading === null ? null : budgetBar(label, reading, nowInMs);
          }),
        ),
        unifiedGauges(provider, nowInMs),
        actionButtons(provider, onAction),
      );
    }),
  );
}
