/**
 * Client chunk: state, loading the registry's JSON endpoints, the result list, kind filters,
 * hash routing (#/kind/name, #/feature/view/name) and keyboard handling.
 */
export const MAIN_JS = String.raw`
const LIMIT = 200;
const TOKEN_KEY = 'larder.catalog.token';
const S = { reg: null, graph: null, items: [], byKey: new Map(), freshness: null, stats: new Map(), q: '', kind: null, selected: null, renderToken: 0, token: null };
try { S.token = sessionStorage.getItem(TOKEN_KEY); } catch (e) { S.token = null; }

async function getJson(path) {
  try {
    const headers = { accept: 'application/json' };
    if (S.token) headers.authorization = 'Bearer ' + S.token;
    const r = await fetch(path, { headers, credentials: 'same-origin' });
    let body = null;
    try { body = await r.json(); } catch (e) { body = null; }
    return { ok: r.ok, status: r.status, body };
  } catch (e) {
    return { ok: false, status: 0, body: { error: { code: 'network', message: String(e && e.message ? e.message : e) } } };
  }
}

function errorText(r) {
  const e = r.body && r.body.error;
  return e && e.message ? e.message + (e.code ? ' (' + e.code + ')' : '') : 'HTTP ' + r.status;
}

function banner(kind, children) {
  const old = document.querySelector('.banner');
  if (old) old.remove();
  const b = h('div', { class: 'banner ' + kind, role: kind === 'error' ? 'alert' : 'status' }, children);
  document.getElementById('layout').before(b);
}

async function load() {
  const summary = await getJson('/registry');
  if (!summary.ok) {
    document.getElementById('count').textContent = '';
    if (summary.status === 401 || summary.status === 403) { askToken(summary); return; }
    if (summary.status === 404 && summary.body && summary.body.error && summary.body.error.code === 'not_found')
      banner('error', ['No registry has been applied to this project yet: run ', h('code', null, 'larder apply'), ' and reload.']);
    else banner('error', 'Cannot read the registry: ' + errorText(summary));
    return;
  }
  const paths = ['entities', 'sources', 'feature-views', 'on-demand-feature-views', 'feature-services'];
  const [lists, fresh] = await Promise.all([Promise.all(paths.map((p) => getJson('/registry/' + p))), getJson('/registry/freshness')]);
  const bad = lists.find((r) => !r.ok);
  if (bad) { banner('error', 'Cannot read the registry: ' + errorText(bad)); return; }
  const old = document.querySelector('.banner');
  if (old) old.remove();
  const reg = {
    project: summary.body.project,
    version: summary.body.version,
    updatedAt: summary.body.updated_at,
    entities: lists[0].body.entities,
    sources: lists[1].body.sources,
    featureViews: lists[2].body['feature-views'],
    onDemandFeatureViews: lists[3].body['on-demand-feature-views'],
    featureServices: lists[4].body['feature-services'],
  };
  S.reg = reg;
  S.graph = makeGraph(reg);
  S.items = buildIndex(reg);
  S.byKey = new Map(S.items.map((it) => [it.key, it]));
  S.freshness = fresh.ok ? fresh.body.views : null;
  const proj = document.getElementById('project');
  clear(proj);
  append(proj, ['project ', h('strong', null, reg.project), ' · registry v' + reg.version + ' · applied ' + ago(reg.updatedAt)]);
  if (!fresh.ok) banner('error', 'Freshness unavailable: ' + errorText(fresh));
  renderResults();
  route();
}

/** The API wants a credential: ask for an API key or token, keep it for this tab only. */
function askToken(r) {
  const input = h('input', { type: 'password', autocomplete: 'off', placeholder: 'lk_… or a JWT', 'aria-label': 'API key or token' });
  const form = h('form', { class: 'token-form', onsubmit: (e) => {
    e.preventDefault();
    S.token = input.value.trim() || null;
    try { if (S.token) sessionStorage.setItem(TOKEN_KEY, S.token); else sessionStorage.removeItem(TOKEN_KEY); } catch (err) { /* storage off: keep it in memory */ }
    S.stats = new Map();
    load();
  } }, [input, h('button', { type: 'submit' }, 'Open the catalog')]);
  banner('error', [h('p', null, (r.status === 401 ? 'This server needs a credential to describe the registry' : 'This credential may not describe the registry') + ' (' + errorText(r) + '). Paste an API key or token with the describe role; it is kept in this tab only.'), form]);
  input.focus();
}

function renderKinds(counts, total) {
  const nav = document.getElementById('kinds');
  clear(nav);
  const btn = (kind, label, n) => h('button', { type: 'button', 'aria-pressed': String(S.kind === kind), 'data-kind': kind || 'all', onclick: () => { S.kind = S.kind === kind ? null : kind; renderResults(); } }, [label, h('span', { class: 'n' }, String(n))]);
  nav.appendChild(btn(null, 'All', total));
  for (const k of KIND_ORDER) nav.appendChild(btn(k, KIND_PLURAL[k], counts[k] || 0));
}

function resultItem(it, needles) {
  const row1 = [badge(it.kind), h('span', { class: 'name', title: it.title }, it.parent ? [h('span', { class: 'parent' }, highlight(it.parent + ':', needles)), highlight(it.name, needles)] : highlight(it.name, needles))];
  if (it.dtype && (it.kind === 'feature' || it.kind === 'entity')) row1.push(h('span', { class: 'type dtype' }, it.dtype));
  const meta = [];
  if (it.owner) meta.push(h('span', { class: 'chip', title: 'owner' }, it.owner));
  for (const [k, v] of tagPairs(it.tags).slice(0, 4)) meta.push(h('span', { class: 'chip' }, [h('span', { class: 'k' }, k + ' ='), v]));
  const view = it.kind === 'feature_view' ? it.obj : it.kind === 'feature' && it.parentKind === 'feature_view' ? it.view : null;
  if (view) meta.push(freshnessLine(view, true));
  return h('li', null, h('a', { class: 'item', href: '#/' + it.key, 'data-key': it.key, 'data-kind': it.kind, 'aria-current': S.selected === it ? 'true' : null }, [
    h('div', { class: 'row1' }, row1),
    it.description ? h('div', { class: 'desc' }, highlight(it.description, needles)) : null,
    meta.length ? h('div', { class: 'meta' }, meta) : null,
  ]));
}

function renderResults() {
  if (!S.reg) return;
  const all = search(S.items, S.q, null);
  const counts = {};
  for (const it of all.items) counts[it.kind] = (counts[it.kind] || 0) + 1;
  renderKinds(counts, all.items.length);
  const shown = S.kind ? all.items.filter((it) => it.kind === S.kind) : all.items;
  const list = document.getElementById('list');
  clear(list);
  const needles = nameNeedles(all.terms);
  for (const it of shown.slice(0, LIMIT)) list.appendChild(resultItem(it, needles));
  if (shown.length > LIMIT) list.appendChild(h('li', { class: 'more' }, (shown.length - LIMIT) + ' more: refine the search to see them.'));
  const count = document.getElementById('count');
  if (shown.length === 0) {
    count.textContent = '';
    list.appendChild(h('li', { class: 'more' }, ['Nothing matches ', h('code', null, S.q || '(empty)'), S.kind ? ' among ' + KIND_PLURAL[S.kind].toLowerCase() : '', '. Try part of a name, tag:KEY=VALUE, owner:NAME or type:float.']));
  } else count.textContent = shown.length + (shown.length === 1 ? ' result' : ' results') + (S.q ? ' for "' + S.q + '"' : '') + (S.kind ? ' · ' + KIND_PLURAL[S.kind] : '');
}

function renderDetail() {
  const panel = document.getElementById('detail');
  const layout = document.getElementById('layout');
  S.renderToken++;
  clear(panel);
  const it = S.selected;
  layout.classList.toggle('has-detail', it !== null);
  for (const a of document.querySelectorAll('.item[aria-current]')) a.removeAttribute('aria-current');
  if (it === null) {
    document.title = 'larder catalog';
    append(panel, h('div', { class: 'empty-detail' }, [h('h2', null, 'Find a feature'), h('p', null, 'Type in the search box to filter by name, description, tag or owner, then pick a result to see its type, source, lineage, freshness and statistics.')]));
    return;
  }
  const cur = document.querySelector('.item[data-key="' + CSS.escape(it.key) + '"]');
  if (cur) cur.setAttribute('aria-current', 'true');
  document.title = it.title + ' · larder catalog';
  panel.appendChild(h('button', { type: 'button', class: 'back', onclick: () => { location.hash = '#/'; } }, '← Results'));
  append(panel, h('article', { 'data-key': it.key, 'data-kind': it.kind }, DETAIL[it.kind](it)));
  fitLineage();
  panel.scrollTop = 0;
  if (window.matchMedia('(max-width: 820px)').matches) window.scrollTo(0, 0);
}

/** Lineage stages side by side when they fit, else top to bottom. */
function fitLineage() {
  for (const el of document.querySelectorAll('#detail .lineage')) {
    el.classList.remove('vertical');
    if (el.scrollWidth > el.clientWidth + 1) el.classList.add('vertical');
  }
}

function route() {
  if (!S.reg) return;
  const key = location.hash.replace(/^#\/?/, '');
  const it = key ? S.byKey.get(key) || null : null;
  if (key && !it) {
    S.selected = null;
    renderDetail();
    append(document.getElementById('detail'), h('p', { class: 'error' }, 'Nothing in the registry is called ' + decodeURIComponent(key) + '.'));
    return;
  }
  S.selected = it;
  renderDetail();
}

function focusItem(delta) {
  const items = Array.from(document.querySelectorAll('#list .item'));
  if (items.length === 0) return;
  const i = items.indexOf(document.activeElement);
  const next = i < 0 ? (delta > 0 ? 0 : items.length - 1) : Math.min(Math.max(i + delta, 0), items.length - 1);
  items[next].focus();
}

function start() {
  const input = document.getElementById('q');
  input.addEventListener('input', () => { S.q = input.value; renderResults(); });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown') { e.preventDefault(); focusItem(1); }
    else if (e.key === 'Enter') { const first = document.querySelector('#list .item'); if (first) location.hash = first.getAttribute('href'); }
    else if (e.key === 'Escape') { input.value = ''; S.q = ''; renderResults(); }
  });
  document.getElementById('list').addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown') { e.preventDefault(); focusItem(1); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); focusItem(-1); }
  });
  document.addEventListener('keydown', (e) => {
    const t = e.target;
    const typing = t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.isContentEditable);
    if (e.key === '/' && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) { e.preventDefault(); input.focus(); input.select(); }
  });
  window.addEventListener('hashchange', route);
  let pending = false;
  window.addEventListener('resize', () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; fitLineage(); });
  });
  load();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
`;
