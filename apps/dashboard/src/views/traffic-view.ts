import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { h, replace } from '../dom.js';
import { formatCount, formatPercent, formatUsd } from '../format.js';
import { type TrafficHistory, timeRange } from '../traffic-history.js';

/** Series colours, taken in provider-name order (the same provider keeps its colour across reloads of the page). */
const palette = ['#3b82f6', '#f59e0b', '#10b981', '#ef4444', '#8b5cf6', '#06b6d4', '#ec4899', '#84cc16'];

interface Chart {
  plot: uPlot | undefined;
  providers: string;
}

/** A y scale from zero, so that a small change does not look like a cliff. */
const fromZero = (): uPlot.Scale => ({ range: (_plot, _min, max) => [0, max > 0 ? max * 1.1 : 1] });

/** A new x scale per chart: uPlot writes into the options it is given. */
const xScale = (): uPlot.Scale => ({
  time: true,
  range: (_plot, min, max) => timeRange(min ?? undefined, max ?? undefined),
});

/** The traffic section: three live charts over the last 15 minutes and the failover reasons. */
export function createTrafficView(container: HTMLElement, history: TrafficHistory) {
  const requestsHost = h('div', {
    class: 'chart',
    role: 'img',
    'aria-label': 'requests per second by provider',
  });
  const latencyHost = h('div', {
    class: 'chart',
    role: 'img',
    'aria-label': 'time to first byte and ccb overhead',
  });
  const tokensHost = h('div', {
    class: 'chart',
    role: 'img',
    'aria-label': 'tokens per second and cache hit rate',
  });
  const summary = h('dl', { class: 'facts summary' });
  const reasons = h('ul', { class: 'reasons', 'aria-label': 'failed attempts by reason' });
  replace(
    container,
    summary,
    h('h3', {}, 'Requests per second, by provider'),
    requestsHost,
    h('h3', {}, 'Time to first byte and ccb overhead (median, ms)'),
    latencyHost,
    h('h3', {}, 'Tokens per second and cache hit rate'),
    tokensHost,
    h('h3', {}, 'Failed attempts by reason'),
    reasons,
  );
  const requests: Chart = { plot: undefined, providers: '' };
  let latency: uPlot | undefined;
  let tokens: uPlot | undefined;
  const width = () => Math.max(280, container.clientWidth - 8);

  function makeRequestsChart(names: string[], data: number[][]): uPlot {
    const series: uPlot.Series[] = [{}];
    const bands: uPlot.Band[] = [];
    names.forEach((name, index) => {
      const colour = palette[index % palette.length] as string;
      series.push({ label: name, stroke: colour, fill: `${colour}55`, width: 1 });
      if (index > 0) bands.push({ series: [index + 1, index] });
    });
    return new uPlot(
      {
        width: width(),
        height: 180,
        series,
        bands,
        axes: [{}, { label: 'req/s' }],
        scales: { x: xScale(), y: fromZero() },
      },
      data as uPlot.AlignedData,
      requestsHost,
    );
  }

  return {
    update(): void {
      const points = history.points;
      const totals = history.totals();
      const last = points.at(-1);
      replace(
        summary,
        h('dt', {}, 'requests (15 min)'),
        h('dd', { 'data-role': 'requests' }, String(totals.requests)),
        h('dt', {}, 'failovers'),
        h('dd', { 'data-role': 'failovers' }, String(totals.failovers)),
        h('dt', {}, 'errors'),
        h('dd', {}, String(totals.errors)),
        h('dt', {}, 'cost'),
        h('dd', {}, formatUsd(totals.costUsd)),
        h('dt', {}, 'cache hit rate (last second)'),
        h('dd', {}, formatPercent(last?.cacheHitRate)),
      );
      const failed = history.failoverReasons;
      replace(
        reasons,
        ...(failed.length === 0
          ? [h('li', {}, 'none')]
          : failed.map(([reason, count]) => h('li', {}, `${reason}: ${formatCount(count)}`))),
      );
      const names = history.providers;
      const stacked = history.stackedRequests();
      if (requests.plot === undefined || requests.providers !== names.join('\n')) {
        requests.plot?.destroy();
        requests.plot = makeRequestsChart(names, stacked);
        requests.providers = names.join('\n');
      } else {
        requests.plot.setData(stacked as uPlot.AlignedData);
      }
      const x = points.map((point) => point.atInSeconds);
      const latencyData = [
        x,
        points.map((point) => point.ttfbInMs),
        points.map((point) => point.overheadInMs),
      ] as uPlot.AlignedData;
      latency ??= new uPlot(
        {
          width: width(),
          height: 160,
          series: [
            {},
            { label: 'TTFB p50', stroke: palette[0] },
            { label: 'overhead p50', stroke: palette[3] },
          ],
          scales: { x: xScale(), y: fromZero() },
          axes: [{}, { label: 'ms' }],
        },
        latencyData,
        latencyHost,
      );
      latency.setData(latencyData);
      const tokenData = [
        x,
        points.map((point) => point.tokensPerSecond),
        points.map((point) => (point.cacheHitRate === null ? null : point.cacheHitRate * 100)),
      ] as uPlot.AlignedData;
      tokens ??= new uPlot(
        {
          width: width(),
          height: 160,
          series: [
            {},
            { label: 'tokens/s', stroke: palette[2], scale: 'tokens' },
            { label: 'cache hit %', stroke: palette[4], scale: '%' },
          ],
          scales: { x: xScale(), tokens: fromZero(), '%': { range: [0, 100] } },
          axes: [
            {},
            { scale: 'tokens', label: 'tokens/s' },
            { scale: '%', side: 1, label: '%', grid: { show: false } },
          ],
        },
        tokenData,
        tokensHost,
      );
      tokens.setData(tokenData);
    },
    resize(): void {
      for (const plot of [requests.plot, latency, tokens])
        plot?.setSize({ width: width(), height: plot.height });
    },
  };
}
