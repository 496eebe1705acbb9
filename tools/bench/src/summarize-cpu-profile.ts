import { formatNumber, formatTable } from './format-table.js';

/** The parts of a V8 `.cpuprofile` (written by `node --cpu-prof`) that self time needs. */
export interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  }[];
  readonly samples: readonly number[];
  /** Microseconds since the previous sample; the first is since the profile's start. */
  readonly timeDeltas: readonly number[];
}

/** One function's share of the profile. */
export interface HotFunction {
  /** `(anonymous)` for unnamed functions; V8's `(garbage collector)`, `(program)`, `(idle)` as they are. */
  readonly functionName: string;
  /** `file:line` (1-based), shortened to the part after `node_modules/` or the repo's folders. */
  readonly location: string;
  readonly selfTimeInMs: number;
  /** Share of all sampled time, excluding `(idle)`: 0..1. */
  readonly share: number;
}

function shortenUrl(url: string): string {
  const path = url.replace(/^file:\/\//, '');
  const nodeModules = path.lastIndexOf('node_modules/');
  if (nodeModules !== -1) return path.slice(nodeModules + 'node_modules/'.length);
  const workspace = /\/(packages|apps)\/.*$/.exec(path);
  return workspace === null ? path : workspace[0].slice(1);
}

/**
 * The functions with the most self time (time on top of the stack), highest first, merged by name and
 * location. Sample i is charged the delta of sample i + 1, the time until the next sample.
 */
export function summarizeCpuProfile(profile: CpuProfile, limit = 15): HotFunction[] {
  const nodeKey = new Map<number, string>();
  const keyFrame = new Map<string, { functionName: string; location: string }>();
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const location = url === '' ? '' : `${shortenUrl(url)}:${lineNumber + 1}`;
    const name = functionName === '' ? '(anonymous)' : functionName;
    const key = `${name}\0${location}`;
    nodeKey.set(node.id, key);
    keyFrame.set(key, { functionName: name, location });
  }
  const selfTimeInUs = new Map<string, number>();
  let totalInUs = 0;
  for (let index = 0; index < profile.samples.length; index++) {
    const key = nodeKey.get(profile.samples[index] as number);
    const delta = profile.timeDeltas[index + 1] ?? 0;
    if (key === undefined || key.startsWith('(idle)')) continue;
    selfTimeInUs.set(key, (selfTimeInUs.get(key) ?? 0) + delta);
    totalInUs += delta;
  }
  return [...selfTimeInUs.entries()]
    .sort((left, right) => right[1] - left[1])
    .slice(0, limit)
    .map(([key, timeInUs]) => {
      const frame = keyFrame.get(key) as { functionName: string; location: string };
      return { ...frame, selfTimeInMs: timeInUs / 1000, share: totalInUs === 0 ? 0 : timeInUs / totalInUs };
    });
}

/** Hot functions as a plain-text table. */
export function formatHotFunctions(functions: readonly HotFunction[]): string {
  return formatTable(
    [
      { header: 'self ms' },
      { header: 'share' },
      { header: 'function', align: 'left' },
      { header: 'location', align: 'left' },
    ],
    functions.map((hot) => [
      formatNumber(hot.selfTimeInMs, 0),
      `${formatNumber(hot.share * 100, 1)}%`,
      hot.functionName,
      hot.location,
    ]),
  );
}
