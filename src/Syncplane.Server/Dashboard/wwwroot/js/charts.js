// Charts drawn as SVG by our own code: a bar of recent results and a line or bar chart of numbers.

const SVG = 'http://www.w3.org/2000/svg';

function svg(tag, attributes = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  for (const child of children) node.append(child);
  return node;
}

const tip = (text) => { const t = svg('title'); t.textContent = text; return t; };

/** One cell per result, oldest left; each cell's colour is its status, its tooltip says what it was. */
export function resultBar(results, label) {
  const width = Math.max(results.length, 1) * 8;
  const chart = svg('svg', { class: 'result-bar', viewBox: `0 0 ${width} 20`, width, height: 20, role: 'img', 'aria-label': label });
  chart.append(tip(label));
  results.forEach((r, i) => chart.append(svg('rect', { x: i * 8, y: 0, width: 6, height: 20, rx: 1, 'data-status': r.status }, tip(r.text))));
  return chart;
}

/**
 * A chart of values (oldest first): bars, or a line with points. Each point is {value, text}; null values are gaps.
 * The axis shows the largest value with the unit.
 */
export function valueChart(points, { label, unit = '', kind = 'line', format = (v) => `${v}` }) {
  const W = 320, H = 90, P = 4;
  const values = points.map((p) => p.value).filter((v) => v !== null && v !== undefined);
  const max = Math.max(...values, 0) || 1;
  const chart = svg('svg', { class: 'chart', viewBox: `0 0 ${W} ${H + 14}`, role: 'img', 'aria-label': label });
  chart.append(tip(label));
  const step = points.length > 1 ? (W - 2 * P) / (points.length - 1) : 0;
  const y = (v) => H - P - ((H - 2 * P) * v) / max;
  chart.append(svg('line', { x1: 0, x2: W, y1: H - P, y2: H - P, class: 'axis' }));
  const top = svg('text', { x: 2, y: 10, class: 'axis-label' });
  top.textContent = `${format(max)}${unit}`;
  chart.append(top);
  if (kind === 'bars') {
    const bar = Math.max(2, (W - 2 * P) / Math.max(points.length, 1) - 2);
    points.forEach((p, i) => {
      if (p.value === null || p.value === undefined) return;
      const x = P + i * ((W - 2 * P) / Math.max(points.length, 1));
      chart.append(svg('rect', { x, y: y(p.value), width: bar, height: Math.max(1, H - P - y(p.value)), class: 'bar', 'data-status': p.status || '' }, tip(p.text)));
    });
  } else {
    const line = points.map((p, i) => (p.value === null || p.value === undefined ? null : `${P + i * step},${y(p.value)}`)).filter(Boolean).join(' ');
    chart.append(svg('polyline', { points: line, class: 'line' }));
    points.forEach((p, i) => {
      if (p.value !== null && p.value !== undefined) chart.append(svg('circle', { cx: P + i * step, cy: y(p.value), r: 2.5, class: 'point' }, tip(p.text)));
    });
  }
  const caption = svg('text', { x: 2, y: H + 12, class: 'axis-label' });
  caption.textContent = `${points.length} ${points.length === 1 ? 'point' : 'points'}, oldest left`;
  chart.append(caption);
  return chart;
}
