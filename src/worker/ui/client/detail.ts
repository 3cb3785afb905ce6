/**
 * Client chunk: the detail panel of each kind (feature, feature view, on-demand view, service,
 * entity, source): facts, lineage, freshness and statistics.
 */
export const DETAIL_JS = String.raw`
function link(kind, name, parent, label) {
  return h('a', { href: '#/' + itemKey(kind, name, parent), class: 'ref k-' + kind }, label || name);
}

function facts(rows) {
  const dl = h('dl', { class: 'facts' });
  for (const [k, v] of rows) {
    if (v === null || v === undefined || v === '' || (Array.isArray(v) && v.every((x) => x === null || x === undefined))) continue;
    dl.appendChild(h('dt', null, k));
    dl.appendChild(h('dd', null, v));
  }
  return dl;
}

function searchFor(q) {
  const input = document.getElementById('q');
  input.value = q;
  S.q = q;
  S.kind = null;
  location.hash = '#/';
  renderResults();
  input.focus();
}

function tagChips(tags) {
  return tagPairs(tags).map(([k, v]) => h('button', { type: 'button', class: 'chip', title: 'Search tag ' + k + '=' + v, onclick: () => searchFor('tag:' + k + '=' + v) }, [h('span', { class: 'k' }, k + ' ='), v]));
}

function ownerChip(owner) {
  if (!owner) return null;
  return h('button', { type: 'button', class: 'chip', title: 'Search owner ' + owner, onclick: () => searchFor('owner:' + owner) }, owner);
}

function freshnessOf(viewName) {
  if (S.freshness === null) return null;
  return S.freshness[viewName] || { materialized: false, watermark: null, updated_at: null };
}

/** ok | stale | never, from the watermark and the view's ttl. */
function freshState(view, f) {
  if (!f || !f.materialized) return 'never';
  if (view.ttlSeconds > 0 && Date.now() - Date.parse(f.watermark) > view.ttlSeconds * 1000) return 'stale';
  return 'ok';
}

function freshnessLine(view, compact) {
  const f = freshnessOf(view.name);
  if (f === null) return h('span', { class: 'fresh' }, [h('span', { class: 'dot' }), 'freshness unavailable']);
  const st = freshState(view, f);
  if (st === 'never') return h('span', { class: 'fresh', 'data-fresh': 'never' }, [h('span', { class: 'dot never' }), 'never materialized']);
  const parts = [h('span', { class: 'dot ' + st }), compact ? 'materialized ' + ago(f.watermark) : 'materialized up to ' + fmtTime(f.watermark) + ' (' + ago(f.watermark) + ')'];
  if (st === 'stale' && !compact) parts.push(h('span', { class: 'muted' }, ' · older than the ttl (' + fmtDuration(view.ttlSeconds) + ')'));
  if (!compact && f.updated_at) parts.push(h('span', { class: 'muted' }, ' · run ' + ago(f.updated_at)));
  return h('span', { class: 'fresh', 'data-fresh': st, title: f.watermark }, parts);
}

function sourceSummary(srcName) {
  const src = S.graph.sources.get(srcName);
  if (!src) return [h('span', { class: 'error' }, srcName + ' (missing)')];
  const out = [link('source', src.name), h('span', { class: 'type' }, src.type)];
  if (src.type === 'file') out.push(h('code', null, src.path));
  if (src.type === 'push') out.push(h('span', { class: 'muted' }, 'history in'), link('source', src.batchSource));
  return out;
}

function entityRefs(view) {
  return view.entities.map((e) => {
    const ent = S.graph.entities.get(e);
    return h('span', null, [link('entity', e), ent ? h('span', { class: 'muted' }, ' (' + ent.joinKeys.map((k) => k.name + ': ' + k.valueType).join(', ') + ')') : null]);
  });
}

function lineageView(it) {
  const cols = lineageOf(S.graph, it);
  const box = h('div', { class: 'lineage', 'aria-label': 'Lineage' });
  cols.forEach((col, i) => {
    if (i > 0) box.appendChild(h('span', { class: 'lin-arrow', 'aria-hidden': 'true' }, '→'));
    const c = h('div', { class: 'lin-col' });
    if (col.length === 0) c.appendChild(h('span', { class: 'muted' }, 'no consumers'));
    for (const n of col) {
      const kids = [h('span', { class: 'nk' }, n.kind === 'source' && n.obj ? n.obj.type + ' source' : KIND_LABEL[n.kind]), h('span', { class: 'nn' }, breakable(n.name))];
      if (n.note) kids.push(h('span', { class: 'nx' }, n.note));
      if (n.missing) kids.push(h('span', { class: 'nx error' }, 'not in the registry'));
      c.appendChild(n.missing ? h('span', { class: 'node k-' + n.kind }, kids) : h('a', { class: 'node k-' + n.kind + (n.here ? ' here' : ''), href: '#/' + nodeKey(n), 'data-kind': n.kind, 'data-name': n.name }, kids));
    }
    box.appendChild(c);
  });
  return box;
}

function statsFor(view) {
  if (!S.stats.has(view)) S.stats.set(view, getJson('/registry/feature-views/' + encodeURIComponent(view) + '/statistics'));
  return S.stats.get(view);
}

function statsMissing(view, r) {
  if (r.status === 404) return h('p', { class: 'muted' }, ['No statistics computed for ' + view + ' yet: run ', h('code', null, 'larder stats ' + view), '.']);
  return h('p', { class: 'error' }, 'Statistics unavailable: ' + errorText(r));
}

function windowText(w) {
  if (!w || (w.start === null && w.end === null)) return 'all rows';
  return (w.start ? fmtTime(w.start) : 'the beginning') + ' .. ' + (w.end ? fmtTime(w.end) : 'now');
}

function card(label, value, title) {
  return h('div', { class: 'card', title: title || null }, [h('div', { class: 'l' }, label), h('div', { class: 'v' }, value)]);
}

function featureStatsBlock(vs, fs) {
  const out = [h('p', { class: 'stats-meta' }, 'Computed ' + fmtTime(vs.computedAt) + ' (' + ago(vs.computedAt) + ') over ' + fmtNum(vs.rowCount) + ' rows, ' + windowText(vs.window) + '.')];
  const cards = [card('Rows', fmtNum(fs.rows)), card('Count', fmtNum(fs.count), 'non-null values'), card('Nulls', fmtNum(fs.nulls) + ' · ' + fmtPct(fs.nullRate)), card('Distinct ≈', fmtNum(Math.round(fs.distinct)), 'HyperLogLog estimate, ±' + fmtPct(vs.sketch.distinctStandardError) + ' standard error')];
  const num = fs.numeric;
  if (num) cards.push(card('Min', fmtNum(num.min)), card('Max', fmtNum(num.max)), card('Mean', fmtNum(num.mean)), card('Std dev', fmtNum(num.stdDev)), card('Zeros', fmtNum(num.zeros)), card('NaNs', fmtNum(num.nans)));
  const str = fs.string;
  if (str) cards.push(card('Avg length', fmtNum(str.avgLength)), card('Min length', fmtNum(str.minLength)), card('Max length', fmtNum(str.maxLength)));
  out.push(h('div', { class: 'cards' }, cards));
  if (num) {
    const q = num.quantiles;
    out.push(h('div', { class: 'quantiles', title: 'quantiles within ±' + fmtPct(vs.sketch.quantileRelativeError) + ' relative error' }, ['p1', 'p5', 'p25', 'p50', 'p75', 'p95', 'p99'].map((k) => h('span', { class: 'chip' }, [h('span', { class: 'k' }, k), fmtNum(q[k])]))));
    if (num.histogram.length > 0)
      out.push(h('figure', { class: 'chart', 'data-chart': 'histogram' }, [histogramChart(num.histogram, fs.name + ' (' + fs.dtype + ')'), h('figcaption', { class: 'cap' }, num.histogram.length + ' equal-width buckets between min and max; hover a bar for its range and count.')]));
    else out.push(h('p', { class: 'muted' }, 'No histogram: no non-null numeric values.'));
  }
  if (str && str.topValues.length > 0)
    out.push(h('figure', { class: 'chart', 'data-chart': 'top-values' }, [topValuesChart(str.topValues, fs.name + ' top values'), h('figcaption', { class: 'cap' }, 'Most frequent values; counts are lower bounds, within ' + fmtNum(str.topValuesError) + '.')]));
  if (!num && !str) out.push(h('p', { class: 'muted' }, 'No value summary for ' + fs.dtype + '.'));
  return out;
}

/** Fill a box asynchronously, unless the user has moved on. */
function later(box, promise, fill) {
  const token = S.renderToken;
  promise.then((r) => {
    if (token !== S.renderToken) return;
    clear(box);
    append(box, fill(r));
  });
}

function featureDetail(it) {
  const parent = it.view;
  const isView = it.parentKind === 'feature_view';
  const out = [];
  out.push(h('div', { class: 'headline' }, [badge('feature'), typeTag(it.dtype)]));
  out.push(h('h2', null, [h('span', { class: 'parent' }, parent.name + ':'), it.name]));
  out.push(h('p', { class: 'lead' }, it.description || parent.description || 'No description.'));
  const rows = [['Type', [typeTag(it.dtype)]], ['Reference', [h('code', null, parent.name + ':' + it.name)]]];
  if (isView) {
    rows.push(['Feature view', [link('feature_view', parent.name)]], ['Entities', entityRefs(parent)], ['Source', sourceSummary(parent.source)], ['TTL', fmtDuration(parent.ttlSeconds)], ['Freshness', [freshnessLine(parent, false)]]);
  } else {
    rows.push(['On-demand view', [link('on_demand_feature_view', parent.name)]], ['Transformation', [h('code', null, parent.transformation.module + '#' + parent.transformation.function)]], ['Computed', parent.writeToOnlineStore ? 'at write time, stored online' : 'at request time']);
  }
  rows.push(['Owner', [ownerChip(it.owner)]], ['Tags', tagChips(it.tags)]);
  out.push(facts(rows));
  out.push(h('h3', null, 'Lineage'), lineageView(it));
  out.push(h('h3', null, 'Statistics'));
  if (isView) {
    const box = h('div', { class: 'stats', 'data-stats': 'feature' }, h('p', { class: 'muted' }, 'Loading statistics…'));
    later(box, statsFor(parent.name), (r) => {
      if (!r.ok) return statsMissing(parent.name, r);
      const fs = (r.body.features || []).find((f) => f.name === it.name);
      if (!fs) return h('p', { class: 'muted' }, 'The statistics of ' + parent.name + ' (computed ' + fmtTime(r.body.computedAt) + ') do not include ' + it.name + ': run larder stats ' + parent.name + ' again.');
      return featureStatsBlock(r.body, fs);
    });
    out.push(box);
  } else out.push(h('p', { class: 'muted' }, 'On-demand features are computed from their inputs; statistics are kept for the feature views they read.'));
  return out;
}

function fieldsTable(viewName, fields, stats) {
  const hasStats = stats !== null;
  const head = ['Feature', 'Type', 'Description'].concat(hasStats ? ['Nulls', 'Distinct ≈', 'Mean', 'Histogram'] : []);
  const body = fields.map((f) => {
    const fs = hasStats ? (stats.features || []).find((x) => x.name === f.name) : null;
    const cells = [h('td', null, link('feature', f.name, viewName)), h('td', null, typeTag(f.dtype)), h('td', { class: f.description ? null : 'muted' }, f.description || '–')];
    if (hasStats) {
      cells.push(h('td', null, fs ? fmtPct(fs.nullRate) : '–'), h('td', null, fs ? fmtNum(Math.round(fs.distinct)) : '–'), h('td', null, fs && fs.numeric ? fmtNum(fs.numeric.mean) : '–'));
      cells.push(h('td', null, fs && fs.numeric && fs.numeric.histogram.length ? sparkline(fs.numeric.histogram) : ''));
    }
    return h('tr', null, cells);
  });
  return h('div', { class: 'table-wrap' }, h('table', { class: 'fields' }, [h('thead', null, h('tr', null, head.map((x) => h('th', null, x)))), h('tbody', null, body)]));
}

function viewDetail(it) {
  const v = it.obj;
  const out = [h('div', { class: 'headline' }, [badge('feature_view'), v.online ? h('span', { class: 'chip' }, 'online') : h('span', { class: 'chip' }, 'offline only')]), h('h2', null, v.name), h('p', { class: 'lead' }, v.description || 'No description.')];
  out.push(facts([
    ['Entities', entityRefs(v)],
    ['Source', sourceSummary(v.source)],
    ['TTL', fmtDuration(v.ttlSeconds)],
    ['Freshness', [freshnessLine(v, false)]],
    ['Owner', [ownerChip(v.owner)]],
    ['Tags', tagChips(v.tags)],
    ['Updated', fmtTime(v.updatedAt)],
  ]));
  out.push(h('h3', null, 'Lineage'), lineageView(it));
  out.push(h('h3', null, 'Features (' + v.features.length + ')'));
  const box = h('div', { class: 'stats', 'data-stats': 'view' }, fieldsTable(v.name, v.features, null));
  later(box, statsFor(v.name), (r) => (r.ok ? [h('p', { class: 'stats-meta' }, 'Statistics computed ' + fmtTime(r.body.computedAt) + ' (' + ago(r.body.computedAt) + ') over ' + fmtNum(r.body.rowCount) + ' rows.'), fieldsTable(v.name, v.features, r.body)] : [fieldsTable(v.name, v.features, null), statsMissing(v.name, r)]));
  out.push(box);
  return out;
}

function odfvDetail(it) {
  const o = it.obj;
  const out = [h('div', { class: 'headline' }, [badge('on_demand_feature_view')]), h('h2', null, o.name), h('p', { class: 'lead' }, o.description || 'No description.')];
  out.push(facts([
    ['Inputs', o.sources.map((i) => (i.type === 'feature_view' ? h('span', null, [link('feature_view', i.name), i.features.length ? h('span', { class: 'muted' }, ' (' + i.features.join(', ') + ')') : null]) : h('span', null, [link('source', i.name), h('span', { class: 'muted' }, ' (request data)')])))],
    ['Transformation', [h('code', null, o.transformation.module + '#' + o.transformation.function)]],
    ['Computed', o.writeToOnlineStore ? 'at write time, stored online' : 'at request time'],
    ['Owner', [ownerChip(o.owner)]],
    ['Tags', tagChips(o.tags)],
  ]));
  out.push(h('h3', null, 'Lineage'), lineageView(it));
  out.push(h('h3', null, 'Features (' + o.features.length + ')'), fieldsTable(o.name, o.features, null));
  return out;
}

function serviceDetail(it) {
  const sv = it.obj;
  const out = [h('div', { class: 'headline' }, [badge('feature_service'), sv.precompute ? h('span', { class: 'chip' }, 'precomputed') : null]), h('h2', null, sv.name), h('p', { class: 'lead' }, sv.description || 'No description.')];
  out.push(facts([['Owner', [ownerChip(sv.owner)]], ['Tags', tagChips(sv.tags)], ['Request', [h('code', null, '{"feature_service": "' + sv.name + '", "entities": {…}}')]]]));
  out.push(h('h3', null, 'Lineage'), lineageView(it));
  out.push(h('h3', null, 'Projections'));
  const rows = sv.projections.map((p) => {
    const isOdfv = S.graph.odfvs.has(p.view);
    const kind = isOdfv ? 'on_demand_feature_view' : 'feature_view';
    const maps = Object.keys(p.joinKeyMap).map((k) => k + ' ← ' + p.joinKeyMap[k]).join(', ');
    return h('tr', null, [
      h('td', null, link(kind, p.view)),
      h('td', null, p.alias || '–'),
      h('td', null, p.features.flatMap((f, i) => (i ? [', ', link('feature', f, p.view)] : [link('feature', f, p.view)]))),
      h('td', null, maps || '–'),
    ]);
  });
  out.push(h('div', { class: 'table-wrap' }, h('table', { class: 'fields' }, [h('thead', null, h('tr', null, ['View', 'Alias', 'Features', 'Join keys'].map((x) => h('th', null, x)))), h('tbody', null, rows)])));
  return out;
}

function entityDetail(it) {
  const e = it.obj;
  const out = [h('div', { class: 'headline' }, [badge('entity')]), h('h2', null, e.name), h('p', { class: 'lead' }, e.description || 'No description.')];
  out.push(facts([['Join keys', e.joinKeys.map((k) => h('span', { class: 'chip' }, [h('span', { class: 'k' }, k.name), k.valueType]))], ['Owner', [ownerChip(e.owner)]], ['Tags', tagChips(e.tags)]]));
  out.push(h('h3', null, 'Feature views'), lineageView(it));
  return out;
}

function sourceDetail(it) {
  const src = it.obj;
  const out = [h('div', { class: 'headline' }, [badge('source'), h('span', { class: 'type' }, src.type)]), h('h2', null, src.name), h('p', { class: 'lead' }, src.description || 'No description.')];
  const rows = [];
  if (src.type === 'file') {
    rows.push(['Path', [h('code', null, src.path)]], ['Format', src.format], ['Event time', [h('code', null, src.timestampField)]], ['Created time', src.createdTimestampColumn ? [h('code', null, src.createdTimestampColumn)] : '–']);
    const fm = Object.keys(src.fieldMapping).map((k) => k + ' → ' + src.fieldMapping[k]);
    if (fm.length) rows.push(['Field mapping', fm.join(', ')]);
    if (src.datePartitionColumn) rows.push(['Date partition', [h('code', null, src.datePartitionColumn)]]);
  } else if (src.type === 'push') rows.push(['Batch source', [link('source', src.batchSource)]]);
  else if (src.type === 'request') rows.push(['Schema', src.schema.map((f) => h('span', { class: 'chip' }, [h('span', { class: 'k' }, f.name), f.dtype]))]);
  rows.push(['Owner', [ownerChip(src.owner)]], ['Tags', tagChips(src.tags)]);
  out.push(facts(rows));
  out.push(h('h3', null, 'Lineage'), lineageView(it));
  return out;
}

const DETAIL = { feature: featureDetail, feature_view: viewDetail, on_demand_feature_view: odfvDetail, feature_service: serviceDetail, entity: entityDetail, source: sourceDetail };
`;
