// Mood faces drawn as SVG, so they look the same everywhere (emoji fonts vary by platform).
const NS = 'http://www.w3.org/2000/svg';
const COLORS = ['#d1d5db', '#f87171', '#fb923c', '#facc15', '#a3e635', '#34d399'];

function svg(tag, attrs) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

/** face(mood, size) draws mood 1–5 (anything else: a neutral grey face). */
export function face(mood, size = 32) {
  const m = Number(mood) >= 1 && Number(mood) <= 5 ? Number(mood) : 0;
  const curve = m ? (m - 3) * 7 : 0; // mouth bends down for low moods, up for high ones
  const root = svg('svg', { viewBox: '0 0 40 40', width: size, height: size, 'aria-hidden': 'true', class: 'face' });
  root.append(
    svg('circle', { cx: 20, cy: 20, r: 18, fill: COLORS[m] }),
    svg('circle', { cx: 14, cy: 16, r: 2.4, fill: '#1f2937' }),
    svg('circle', { cx: 26, cy: 16, r: 2.4, fill: '#1f2937' }),
    svg('path', { d: `M12 ${27 - curve / 2} Q20 ${27 + curve} 28 ${27 - curve / 2}`, fill: 'none', stroke: '#1f2937', 'stroke-width': 2.6, 'stroke-linecap': 'round' }),
  );
  return root;
}
