const svgNs = 'http://www.w3.org/2000/svg';

export interface Series {
  label: string;
  colour: string;
  points: Array<{ at: number; value: number }>;
}

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>) {
  const el = document.createElementNS(svgNs, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

/**
 * A small SVG line chart over [from, to]: no library needed for a few series of at most a few
 * hundred points. The figure carries a text summary for screen readers.
 */
export function lineChart(title: string, series: Series[], from: number, to: number): SVGSVGElement {
  const width = 480;
  const height = 140;
  const pad = { left: 34, right: 8, top: 10, bottom: 20 };
  const max = Math.max(1, ...series.flatMap((s) => s.points.map((p) => p.value)));
  const x = (at: number) =>
    pad.left + ((at - from) / Math.max(1, to - from)) * (width - pad.left - pad.right);
  const y = (v: number) => height - pad.bottom - (v / max) * (height - pad.top - pad.bottom);
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img' });
  const latest = series.map((s) => `${s.label} ${s.points.at(-1)?.value.toFixed(1) ?? 'none'}`).join(', ');
  root.setAttribute('aria-label', `${title}, last hour. Latest: ${latest}.`);
  for (const v of [0, max / 2, max]) {
    root.append(svg('line', { x1: pad.left, x2: width - pad.right, y1: y(v), y2: y(v), class: 'grid-line' }));
    const label = svg('text', { x: pad.left - 4, y: y(v) + 4, 'text-anchor': 'end', class: 'axis' });
    label.textContent = v.toFixed(max < 10 ? 1 : 0);
    root.append(label);
  }
  for (const [at, text] of [
    [from, '-60 min'],
    [to, 'now'],
  ] as const) {
    const label = svg('text', {
      x: x(at),
      y: height - 4,
      'text-anchor': at === from ? 'start' : 'end',
      class: 'axis',
    });
    label.textContent = text;
    root.append(label);
  }
  for (const s of series) {
    const pts = s.points.filter((p) => p.at >= from && p.at <= to).sort((a, b) => a.at - b.at);
    if (pts.length === 0) continue;
    const d = pts.map((p, i) => `${i ? 'L' : 'M'}${x(p.at).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ');
    root.append(svg('path', { d, fill: 'none', stroke: s.colour, 'stroke-width': 2 }));
  }
  return root;
}
