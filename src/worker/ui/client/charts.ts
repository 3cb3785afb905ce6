/**
 * Client chunk: charts drawn as inline SVG (histogram, top values, sparkline). Bars are <rect>s
 * whose heights are proportional to the bucket counts; each has a <title> for hover details.
 */
export const CHARTS_JS = String.raw`
/** Equal-width histogram: buckets [{low, high, count}]. */
function histogramChart(buckets, label) {
  const W = 640, H = 220, L = 52, R = 12, T = 14, B = 40;
  const n = buckets.length;
  const max = buckets.reduce((m, b) => Math.max(m, b.count), 0);
  const total = buckets.reduce((m, b) => m + b.count, 0);
  const pw = W - L - R, ph = H - T - B;
  const bw = pw / Math.max(n, 1);
  const gap = bw > 6 ? Math.min(2, bw * 0.12) : 0;
  const svg = s('svg', { viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-label': label, class: 'histogram' });
  for (let i = 0; i <= 4; i++) {
    const y = T + ph - (ph * i) / 4;
    svg.appendChild(s('line', { class: 'axis', x1: L, x2: W - R, y1: y, y2: y, 'stroke-dasharray': i === 0 ? null : '2 4' }));
    svg.appendChild(s('text', { x: L - 6, y: y + 4, 'text-anchor': 'end' }, fmtNum(Math.round((max * i) / 4))));
  }
  buckets.forEach((b, i) => {
    const hgt = max > 0 ? (ph * b.count) / max : 0;
    const bar = s('rect', {
      class: 'bar', x: (L + i * bw + gap / 2).toFixed(2), width: Math.max(bw - gap, 0.5).toFixed(2),
      y: (T + ph - hgt).toFixed(2), height: hgt.toFixed(2), rx: bw > 8 ? 2 : 0,
      'data-count': b.count,
    });
    bar.appendChild(s('title', null, '[' + fmtNum(b.low) + ', ' + fmtNum(b.high) + (i === n - 1 ? ']' : ')') + ': ' + fmtNum(b.count) + ' values' + (total > 0 ? ' (' + fmtPct(b.count / total) + ')' : '')));
    svg.appendChild(bar);
  });
  if (n > 0) {
    const ticks = n <= 4 ? n : 4;
    for (let j = 0; j <= ticks; j++) {
      const idx = Math.round((j * n) / ticks);
      const v = idx >= n ? buckets[n - 1].high : buckets[idx].low;
      svg.appendChild(s('text', { x: L + idx * bw, y: H - B + 18, 'text-anchor': j === 0 ? 'start' : j === ticks ? 'end' : 'middle' }, fmtNum(v)));
    }
  }
  svg.appendChild(s('text', { class: 'lab', x: L + pw / 2, y: H - 4, 'text-anchor': 'middle' }, label));
  return svg;
}

/** Most frequent values: horizontal bars. */
function topValuesChart(values, label) {
  const rows = values.slice(0, 10);
  const W = 640, rowH = 24, L = 170, R = 70;
  const H = rows.length * rowH + 8;
  const max = rows.reduce((m, v) => Math.max(m, v.count), 0);
  const svg = s('svg', { viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-label': label, class: 'topvalues' });
  rows.forEach((v, i) => {
    const y = 4 + i * rowH;
    const w = max > 0 ? ((W - L - R) * v.count) / max : 0;
    const shown = v.value.length > 22 ? v.value.slice(0, 21) + '…' : v.value;
    svg.appendChild(s('text', { x: L - 8, y: y + 16, 'text-anchor': 'end' }, shown === '' ? '(empty)' : shown));
    const bar = s('rect', { class: 'bar', x: L, y: y + 3, width: w.toFixed(2), height: rowH - 7, rx: 2, 'data-count': v.count });
    bar.appendChild(s('title', null, v.value + ': ' + fmtNum(v.count)));
    svg.appendChild(bar);
    svg.appendChild(s('text', { x: L + w + 6, y: y + 16 }, fmtNum(v.count)));
  });
  return svg;
}

/** A tiny histogram for tables. */
function sparkline(buckets) {
  const W = 90, H = 22;
  const n = buckets.length;
  const max = buckets.reduce((m, b) => Math.max(m, b.count), 0);
  const svg = s('svg', { class: 'spark', viewBox: '0 0 ' + W + ' ' + H, 'aria-hidden': 'true' });
  const bw = W / Math.max(n, 1);
  buckets.forEach((b, i) => {
    const hgt = max > 0 ? Math.max((H * b.count) / max, b.count > 0 ? 1 : 0) : 0;
    svg.appendChild(s('rect', { x: (i * bw).toFixed(2), width: Math.max(bw - 1, 0.5).toFixed(2), y: (H - hgt).toFixed(2), height: hgt.toFixed(2) }));
  });
  return svg;
}
`;
