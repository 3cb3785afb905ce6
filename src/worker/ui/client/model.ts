/**
 * Client chunk: the search index over the registry (one item per entity, source, view,
 * on-demand view, service and feature), query matching and ranking, and lineage
 * (source -> view -> on-demand views -> services).
 */
export const MODEL_JS = String.raw`
const KIND_ORDER = ['feature', 'feature_view', 'on_demand_feature_view', 'feature_service', 'entity', 'source'];
const KIND_ALIASES = {
  feature: ['feature', 'features', 'f'],
  feature_view: ['view', 'views', 'feature_view', 'feature-view', 'featureview', 'fv'],
  on_demand_feature_view: ['on_demand', 'on-demand', 'ondemand', 'odfv', 'on_demand_feature_view', 'transform'],
  feature_service: ['service', 'services', 'feature_service', 'feature-service', 'fs'],
  entity: ['entity', 'entities'],
  source: ['source', 'sources', 'src'],
};

function itemKey(kind, name, parent) {
  return parent ? kind + '/' + encodeURIComponent(parent) + '/' + encodeURIComponent(name) : kind + '/' + encodeURIComponent(name);
}

function tagPairs(tags) {
  const out = [];
  if (tags) for (const k of Object.keys(tags)) out.push([k, String(tags[k])]);
  return out;
}

/** Every searchable object of the registry, with lower-cased text to match against. */
function buildIndex(reg) {
  const items = [];
  const add = (it) => {
    it.key = itemKey(it.kind, it.name, it.parent);
    it.title = it.parent ? it.parent + ':' + it.name : it.name;
    it.lname = it.name.toLowerCase();
    it.ltitle = it.title.toLowerCase();
    it.ldesc = (it.description || '').toLowerCase();
    it.lowner = (it.owner || '').toLowerCase();
    it.ltags = tagPairs(it.tags).map(([k, v]) => [k.toLowerCase(), v.toLowerCase()]);
    it.ldtype = (it.dtype || '').toLowerCase();
    items.push(it);
  };
  for (const e of reg.entities) add({ kind: 'entity', name: e.name, obj: e, description: e.description, owner: e.owner, tags: e.tags, dtype: e.joinKeys.map((k) => k.valueType).join(', ') });
  for (const src of reg.sources) add({ kind: 'source', name: src.name, obj: src, description: src.description, owner: src.owner, tags: src.tags, dtype: src.type });
  for (const v of reg.featureViews) {
    add({ kind: 'feature_view', name: v.name, obj: v, description: v.description, owner: v.owner, tags: v.tags });
    for (const f of v.features)
      add({ kind: 'feature', name: f.name, parent: v.name, parentKind: 'feature_view', obj: f, view: v, description: f.description || '', owner: v.owner, tags: Object.assign({}, v.tags, f.tags || {}), dtype: f.dtype });
  }
  for (const o of reg.onDemandFeatureViews) {
    add({ kind: 'on_demand_feature_view', name: o.name, obj: o, description: o.description, owner: o.owner, tags: o.tags });
    for (const f of o.features)
      add({ kind: 'feature', name: f.name, parent: o.name, parentKind: 'on_demand_feature_view', obj: f, view: o, description: f.description || '', owner: o.owner, tags: Object.assign({}, o.tags, f.tags || {}), dtype: f.dtype });
  }
  for (const sv of reg.featureServices) add({ kind: 'feature_service', name: sv.name, obj: sv, description: sv.description, owner: sv.owner, tags: sv.tags });
  return items;
}

/** Split a query into terms: words, "quoted phrases", and qualifiers tag: owner: type: kind:. */
function parseQuery(q) {
  const terms = [];
  const re = /(\w+):"([^"]*)"|"([^"]*)"|(\S+)/g;
  let m;
  while ((m = re.exec(q)) !== null) {
    let field = null;
    let text;
    if (m[1] !== undefined) { field = m[1].toLowerCase(); text = m[2]; }
    else if (m[3] !== undefined) text = m[3];
    else {
      const w = m[4];
      const c = w.indexOf(':');
      const f = c > 0 ? w.slice(0, c).toLowerCase() : '';
      if (['tag', 'owner', 'type', 'kind', 'is', 'in'].includes(f)) { field = f === 'is' ? 'kind' : f; text = w.slice(c + 1); }
      else text = w;
    }
    text = text.toLowerCase();
    if (text === '' && field === null) continue;
    terms.push({ field, text });
  }
  return terms;
}

function kindMatches(kind, text) {
  if (text === '') return true;
  return KIND_ALIASES[kind].some((a) => a.startsWith(text)) || kind === text;
}

function tagMatches(ltags, text) {
  const eq = text.indexOf('=');
  if (eq >= 0) {
    const k = text.slice(0, eq);
    const v = text.slice(eq + 1);
    return ltags.some(([tk, tv]) => tk.includes(k) && tv.includes(v));
  }
  return ltags.some(([tk, tv]) => tk.includes(text) || tv.includes(text));
}

/** A score > 0 when every term matches the item (higher = better), else 0. */
function score(it, terms) {
  let total = 1;
  for (const t of terms) {
    const x = t.text;
    let sc = 0;
    if (t.field === 'tag') sc = tagMatches(it.ltags, x) ? 20 : 0;
    else if (t.field === 'owner') sc = it.lowner.includes(x) ? 20 : 0;
    else if (t.field === 'type') sc = it.ldtype.includes(x) ? 20 : 0;
    else if (t.field === 'kind') sc = kindMatches(it.kind, x) ? 5 : 0;
    else if (t.field === 'in') sc = it.parent && it.parent.toLowerCase().includes(x) ? 20 : 0;
    else {
      if (it.ltitle === x || it.lname === x) sc = 100;
      else if (it.lname.startsWith(x)) sc = 70;
      else if (it.lname.includes(x)) sc = 50;
      else if (it.ltitle.includes(x)) sc = 35;
      else if (tagMatches(it.ltags, x)) sc = 20;
      else if (it.lowner.includes(x)) sc = 18;
      else if (it.ldtype.includes(x)) sc = 12;
      else if (it.ldesc.includes(x)) sc = 10;
    }
    if (sc === 0) return 0;
    total += sc;
  }
  return total;
}

/** Items matching the query (and the kind filter), best first. */
function search(items, q, kind) {
  const terms = parseQuery(q);
  const out = [];
  for (const it of items) {
    if (kind && it.kind !== kind) continue;
    const sc = score(it, terms);
    if (sc > 0) out.push([sc, it]);
  }
  out.sort((a, b) => b[0] - a[0] || KIND_ORDER.indexOf(a[1].kind) - KIND_ORDER.indexOf(b[1].kind) || (a[1].title < b[1].title ? -1 : a[1].title > b[1].title ? 1 : 0));
  return { terms, items: out.map((x) => x[1]) };
}

/** Terms that highlight names: the plain words of a query. */
function nameNeedles(terms) { return terms.filter((t) => t.field === null && t.text).map((t) => t.text); }

// ---- lineage -------------------------------------------------------------------------

function byName(list) { const m = new Map(); for (const x of list) m.set(x.name, x); return m; }

function makeGraph(reg) {
  return {
    entities: byName(reg.entities),
    sources: byName(reg.sources),
    views: byName(reg.featureViews),
    odfvs: byName(reg.onDemandFeatureViews),
    services: byName(reg.featureServices),
    reg,
  };
}

/** The source chain feeding a view: [batch file source, push source] or [file source]. */
function sourceChain(g, view) {
  const src = g.sources.get(view.source);
  if (!src) return [{ kind: 'source', name: view.source, missing: true }];
  if (src.type === 'push') {
    const batch = g.sources.get(src.batchSource);
    return [batch ? { kind: 'source', name: batch.name, obj: batch } : { kind: 'source', name: src.batchSource, missing: true }, { kind: 'source', name: src.name, obj: src }];
  }
  return [{ kind: 'source', name: src.name, obj: src }];
}

function usesFeature(list, feature) { return feature === null || list.length === 0 || list.includes(feature); }

/** On-demand views reading a view (and that feature of it, when given). */
function odfvsOf(g, viewName, feature) {
  return g.reg.onDemandFeatureViews.filter((o) => o.sources.some((i) => i.type === 'feature_view' && i.name === viewName && usesFeature(i.features, feature)));
}

/** Services projecting a view or on-demand view (and that feature of it, when given). */
function servicesOf(g, viewName, feature) {
  return g.reg.featureServices.filter((sv) => sv.projections.some((p) => p.view === viewName && usesFeature(p.features, feature)));
}

function uniq(nodes) {
  const seen = new Set();
  return nodes.filter((n) => { const k = n.kind + '/' + n.name; if (seen.has(k)) return false; seen.add(k); return true; });
}

/** Columns of lineage nodes, left to right, for an item. */
function lineageOf(g, it) {
  const node = (kind, o, extra) => Object.assign({ kind, name: o.name, obj: o }, extra || {});
  if (it.kind === 'feature_view' || (it.kind === 'feature' && it.parentKind === 'feature_view')) {
    const view = it.kind === 'feature' ? it.view : it.obj;
    const feature = it.kind === 'feature' ? it.name : null;
    const odfvs = odfvsOf(g, view.name, feature);
    const services = servicesOf(g, view.name, feature);
    for (const o of odfvs) for (const sv of servicesOf(g, o.name, null)) services.push(sv);
    const cols = sourceChain(g, view).map((n) => [n]);
    cols.push([node('feature_view', view, { here: true, note: feature ? 'feature ' + feature : null })]);
    if (odfvs.length) cols.push(odfvs.map((o) => node('on_demand_feature_view', o)));
    cols.push(uniq(services.map((sv) => node('feature_service', sv))));
    return cols;
  }
  if (it.kind === 'on_demand_feature_view' || (it.kind === 'feature' && it.parentKind === 'on_demand_feature_view')) {
    const o = it.kind === 'feature' ? it.view : it.obj;
    const inputs = o.sources.map((i) => (i.type === 'feature_view'
      ? Object.assign({ kind: 'feature_view', name: i.name, obj: g.views.get(i.name) }, i.features.length ? { note: i.features.join(', ') } : {})
      : { kind: 'source', name: i.name, obj: g.sources.get(i.name), note: 'request data' }));
    return [inputs, [node('on_demand_feature_view', o, { here: true, note: it.kind === 'feature' ? 'feature ' + it.name : null })], servicesOf(g, o.name, it.kind === 'feature' ? it.name : null).map((sv) => node('feature_service', sv))];
  }
  if (it.kind === 'feature_service') {
    const sv = it.obj;
    const srcs = [];
    const views = [];
    for (const p of sv.projections) {
      const v = g.views.get(p.view);
      if (v) { views.push(node('feature_view', v, { note: p.features.join(', ') })); for (const n of sourceChain(g, v)) srcs.push(n); }
      else { const o = g.odfvs.get(p.view); views.push(o ? node('on_demand_feature_view', o, { note: p.features.join(', ') }) : { kind: 'feature_view', name: p.view, missing: true }); }
    }
    return [uniq(srcs), views, [node('feature_service', sv, { here: true })]].filter((c) => c.length);
  }
  if (it.kind === 'source') {
    const src = it.obj;
    const views = g.reg.featureViews.filter((v) => v.source === src.name || (g.sources.get(v.source) || {}).batchSource === src.name);
    const odfvs = src.type === 'request' ? g.reg.onDemandFeatureViews.filter((o) => o.sources.some((i) => i.type === 'request_source' && i.name === src.name)) : [];
    const services = [];
    for (const v of views) for (const sv of servicesOf(g, v.name, null)) services.push(sv);
    for (const o of odfvs) for (const sv of servicesOf(g, o.name, null)) services.push(sv);
    return [[node('source', src, { here: true })], views.map((v) => node('feature_view', v)).concat(odfvs.map((o) => node('on_demand_feature_view', o))), uniq(services.map((sv) => node('feature_service', sv)))].filter((c) => c.length);
  }
  if (it.kind === 'entity') {
    const views = g.reg.featureViews.filter((v) => v.entities.includes(it.name));
    return [[node('entity', it.obj, { here: true })], views.map((v) => node('feature_view', v))].filter((c) => c.length);
  }
  return [];
}

/** The key of a lineage node's own page. */
function nodeKey(n) { return itemKey(n.kind, n.name); }
`;
