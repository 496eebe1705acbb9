const svgNs = 'http://www.w3.org/2000/svg';

/** Points of a polyline through `values` in a `width` × `height` box, scaled to their maximum (at least `floor`). */
export function sparklinePoints(
  values: readonly (number | null)[],
  width: number,
  height: number,
  floor = 0,
): string {
  const present = values.filter((value): value is number => value !== null);
  const max = Math.max(floor, ...present);
  if (values.length === 0 || max <= 0) return values.length === 0 ? '' : `0,${height} ${width},${height}`;
  const step = values.length === 1 ? 0 : width / (values.length - 1);
  return values
    .map((value, index) => {
      const y = height - ((value ?? 0) / max) * height;
      return `${Math.round(index * step * 10) / 10},${Math.round(y * 10) / 10}`;
    })
    .join(' ');
}

/** A small inline chart (SVG, no script in it), labelled for screen readers. */
export function sparkline(values: readonly (number | null)[], label: string, floor = 0): SVGSVGElement {
  const width = 120;
  const height = 28;
  const svg = document.createElementNS(svgNs, 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('class', 'sparkline');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  const line = document.createElementNS(svgNs, 'polyline');
  line.setAttribute('points', sparklinePoints(values, width, height - 2, floor));
  line.setAttribute('transform', 'translate(0,1)');
  svg.appendChild(line);
  return svg;
}
