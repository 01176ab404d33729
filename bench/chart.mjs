// Renders the run's medians as an SVG bar chart (BENCHMARKS.md links it): one group per
// time scenario, one bar per side, each bar's length its median over the raw side's median
// (so 1.0 is the raw IndexedDB/fetch limit and shorter is faster). Plain SVG text: no
// dependency, readable in any browser and on GitHub.
import { median } from './harness.mjs';

const COLORS = { offsync: '#2f6fdf', raw: '#8a8a8a', rxdb: '#d9822b' };
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

// chartRows picks the scenarios every chart can show: those with a raw median to compare to.
export function chartRows(res) {
  const rows = [];
  for (const [name, sc] of Object.entries(res.scenarios)) {
    const raw = median(sc.values.raw);
    if (!raw) continue;
    const bars = res.sides.filter((s) => sc.values[s]?.length).map((s) => ({ side: s, ratio: median(sc.values[s]) / raw }));
    if (bars.length > 1) rows.push({ name, bars });
  }
  return rows;
}

export function renderChart(res) {
  const rows = chartRows(res);
  const label = 190;
  const width = 760;
  const barH = 12;
  const groupH = res.sides.length * barH + 14;
  const max = Math.max(2, ...rows.flatMap((r) => r.bars.map((b) => b.ratio)));
  const scale = (width - label - 70) / max;
  const top = 40;
  const height = top + rows.length * groupH + 20;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="8" y="16" font-size="13" font-weight="bold">Median time per scenario, relative to the raw IndexedDB/fetch limit (1.0×; shorter is faster)</text>`,
  ];
  let x = label;
  for (const side of res.sides) {
    out.push(`<rect x="${x}" y="24" width="10" height="10" fill="${COLORS[side] ?? '#444'}"/><text x="${x + 14}" y="33">${esc(side)}</text>`);
    x += 90;
  }
  const one = label + scale;
  out.push(`<line x1="${one}" y1="${top - 4}" x2="${one}" y2="${height - 16}" stroke="#000" stroke-dasharray="3,3"/>`);
  rows.forEach((row, i) => {
    const y = top + i * groupH;
    out.push(`<text x="${label - 6}" y="${y + (row.bars.length * barH) / 2 + 4}" text-anchor="end">${esc(row.name)}</text>`);
    row.bars.forEach((b, j) => {
      const w = Math.max(1, b.ratio * scale);
      const by = y + j * barH;
      out.push(`<rect class="bar" x="${label}" y="${by}" width="${w.toFixed(1)}" height="${barH - 2}" fill="${COLORS[b.side] ?? '#444'}"/>`);
      out.push(`<text x="${(label + w + 4).toFixed(1)}" y="${by + barH - 3}">${b.ratio.toFixed(2)}×</text>`);
    });
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
