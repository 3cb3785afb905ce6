/**
 * Client chunk: DOM building and formatting. Everything reaches the page through
 * createElement / createTextNode / setAttribute, never through HTML strings, so names,
 * descriptions and tags from definitions are always text.
 * (Browser JavaScript kept as a string: no backticks and no dollar-brace in it.)
 */
export const DOM_JS = String.raw`
const SVGNS = 'http://www.w3.org/2000/svg';

function setAttrs(el, attrs) {
  if (!attrs) return;
  for (const k of Object.keys(attrs)) {
    const v = attrs[k];
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
}

function append(el, children) {
  if (children === null || children === undefined || children === false) return;
  if (Array.isArray(children)) { for (const c of children) append(el, c); return; }
  if (typeof children === 'string' || typeof children === 'number') { el.appendChild(document.createTextNode(String(children))); return; }
  el.appendChild(children);
}

/** An HTML element. */
function h(tag, attrs, children) {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

/** An SVG element. */
function s(tag, attrs, children) {
  const el = document.createElementNS(SVGNS, tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); }

function isNum(x) { return typeof x === 'number' && Number.isFinite(x); }

/** A number for people: integers grouped, others with 4 significant digits. */
function fmtNum(x) {
  if (x === null || x === undefined) return '–';
  if (typeof x !== 'number') return String(x);
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return x.toLocaleString('en-US');
  const a = Math.abs(x);
  if (a !== 0 && (a >= 1e9 || a < 1e-4)) return x.toExponential(3);
  return String(Number(x.toPrecision(4)));
}

function fmtPct(x) {
  if (!isNum(x)) return '–';
  if (x === 0) return '0%';
  const p = x * 100;
  return (p < 0.1 ? '<0.1' : String(Number(p.toPrecision(3)))) + '%';
}

function fmtDuration(seconds) {
  if (!isNum(seconds)) return '–';
  if (seconds === 0) return 'unbounded';
  const units = [[86400, 'd'], [3600, 'h'], [60, 'min'], [1, 's']];
  for (const [n, u] of units) if (seconds % n === 0) return (seconds / n) + ' ' + u;
  return seconds + ' s';
}

/** "3 h ago", "in 5 min", from an RFC 3339 time. */
function ago(iso) {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  const d = (Date.now() - t) / 1000;
  const a = Math.abs(d);
  let txt;
  if (a < 45) return 'just now';
  if (a < 3600) txt = Math.round(a / 60) + ' min';
  else if (a < 86400 * 2) txt = Math.round(a / 3600) + ' h';
  else if (a < 86400 * 60) txt = Math.round(a / 86400) + ' d';
  else if (a < 86400 * 730) txt = Math.round(a / (86400 * 30.4)) + ' months';
  else txt = Math.round(a / (86400 * 365.25)) + ' years';
  return d >= 0 ? txt + ' ago' : 'in ' + txt;
}

function fmtTime(iso) {
  if (!iso) return '–';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return String(iso);
  return new Date(t).toISOString().replace('T', ' ').replace(/\.000Z$|Z$/, '').replace(/\.\d+$/, '') + ' UTC';
}

/** Text with line-break opportunities after '_', ':', '.', '/' and '@' (names are long snake_case words). */
function breakable(text) {
  const out = [];
  let at = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if ((c === '_' || c === ':' || c === '.' || c === '/' || c === '@') && i + 1 < text.length) {
      out.push(text.slice(at, i + 1), h('wbr'));
      at = i + 1;
    }
  }
  if (at < text.length) out.push(text.slice(at));
  return out;
}

/** Text with the first occurrence of each needle wrapped in <mark>. */
function highlight(text, needles) {
  const lower = text.toLowerCase();
  const marks = [];
  for (const n of needles) {
    if (!n) continue;
    const i = lower.indexOf(n);
    if (i >= 0) marks.push([i, i + n.length]);
  }
  if (marks.length === 0) return breakable(text);
  marks.sort((a, b) => a[0] - b[0]);
  const out = [];
  let at = 0;
  for (const [a, b] of marks) {
    if (a < at) continue;
    if (a > at) out.push(breakable(text.slice(at, a)));
    out.push(h('mark', null, breakable(text.slice(a, b))));
    at = b;
  }
  if (at < text.length) out.push(breakable(text.slice(at)));
  return out;
}

const KIND_LABEL = {
  feature: 'Feature',
  feature_view: 'Feature view',
  on_demand_feature_view: 'On-demand view',
  feature_service: 'Service',
  entity: 'Entity',
  source: 'Source',
};
const KIND_PLURAL = {
  feature: 'Features',
  feature_view: 'Feature views',
  on_demand_feature_view: 'On-demand views',
  feature_service: 'Services',
  entity: 'Entities',
  source: 'Sources',
};

function badge(kind) { return h('span', { class: 'badge k-' + kind }, KIND_LABEL[kind] || kind); }
function typeTag(dtype) { return h('span', { class: 'type', title: 'type' }, dtype); }
`;
