/** One labelled series: its label object (built once) and its running value. */
export interface SeriesCell {
  readonly labels: Readonly<Record<string, string>>;
  value: number;
}

type Key = string | number;

/**
 * Labelled values kept in nested maps keyed by label value, so finding a series on the hot path is a few `Map`
 * lookups with no string building (prom-client hashes its labels into a string on every `inc`/`observe`). The
 * metric reads `cells` when scraped.
 */
export class Series<Cell extends { readonly labels: Readonly<Record<string, string>> } = SeriesCell> {
  readonly cells: Cell[] = [];
  readonly labelNames: readonly string[];
  readonly #root = new Map<Key, unknown>();
  readonly #newCell: (labels: Readonly<Record<string, string>>) => Cell;

  /** `newCell` makes the cell of a new label set; by default a counter cell at zero. */
  constructor(
    labelNames: readonly string[],
    newCell: (labels: Readonly<Record<string, string>>) => Cell = (labels) => ({ labels, value: 0 }) as never,
  ) {
    if (labelNames.length < 1 || labelNames.length > 4) throw new RangeError('1 to 4 label names');
    this.labelNames = labelNames;
    this.#newCell = newCell;
  }

  /** The cell for these label values (as many as label names), created at zero on first use. */
  at(first: Key, second: Key = '', third: Key = '', fourth: Key = ''): Cell {
    const last = this.labelNames.length - 1;
    let level = this.#root;
    for (let index = 0; index < last; index += 1) {
      const key = index === 0 ? first : index === 1 ? second : third;
      let next = level.get(key) as Map<Key, unknown> | undefined;
      if (next === undefined) {
        next = new Map();
        level.set(key, next);
      }
      level = next;
    }
    const key = last === 0 ? first : last === 1 ? second : last === 2 ? third : fourth;
    let cell = level.get(key) as Cell | undefined;
    if (cell === undefined) {
      cell = this.#create(first, second, third, fourth);
      level.set(key, cell);
    }
    return cell;
  }

  #create(first: Key, second: Key, third: Key, fourth: Key): Cell {
    const values = [first, second, third, fourth];
    const labels: Record<string, string> = {};
    for (const [index, name] of this.labelNames.entries()) labels[name] = String(values[index]);
    const cell = this.#newCell(labels);
    this.cells.push(cell);
    return cell;
  }
}
