/** The catalog's stylesheet (served at /ui/catalog.css). Light and dark; one column under 820px. */
export const CATALOG_CSS = String.raw`
:root {
  --bg: #f6f7f9; --panel: #ffffff; --ink: #17202b; --muted: #5b6675; --line: #e2e6ec; --soft: #eef1f5;
  --accent: #0f766e; --accent-ink: #ffffff; --mark: #fde68a; --bar: #0f766e; --bar-hover: #14b8a6;
  --ok: #15803d; --warn: #b45309; --bad: #b91c1c;
  --k-feature: #4338ca; --k-feature_view: #0f766e; --k-on_demand_feature_view: #7e22ce;
  --k-feature_service: #b45309; --k-entity: #be123c; --k-source: #475569;
  --radius: 10px; --shadow: 0 1px 2px rgba(16, 24, 40, .06), 0 1px 3px rgba(16, 24, 40, .08);
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace;
  color-scheme: light dark;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --panel: #161b22; --ink: #e6edf3; --muted: #9aa5b1; --line: #2a313c; --soft: #1f2630;
    --accent: #2dd4bf; --accent-ink: #04201d; --mark: #854d0e; --bar: #2dd4bf; --bar-hover: #99f6e4;
    --k-feature: #a5b4fc; --k-feature_view: #5eead4; --k-on_demand_feature_view: #d8b4fe;
    --k-feature_service: #fcd34d; --k-entity: #fda4af; --k-source: #cbd5e1;
    --shadow: none;
  }
}
* { box-sizing: border-box; }
html, body { margin: 0; }
body {
  background: var(--bg); color: var(--ink);
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
  min-height: 100vh; overflow-x: hidden;
}
a { color: inherit; }
code, .mono { font-family: var(--mono); font-size: .92em; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }

.top {
  position: sticky; top: 0; z-index: 5; display: flex; align-items: center; gap: 16px; flex-wrap: wrap;
  padding: 12px 20px; background: var(--panel); border-bottom: 1px solid var(--line);
}
.brand { display: flex; align-items: center; gap: 10px; text-decoration: none; font-size: 18px; letter-spacing: .01em; }
.brand b { color: var(--accent); font-weight: 650; }
.project { color: var(--muted); font-size: 13px; min-width: 0; }
.project strong { color: var(--ink); font-weight: 600; }
.search {
  flex: 1 1 320px; display: flex; align-items: center; gap: 8px; min-width: 0;
  background: var(--soft); border: 1px solid var(--line); border-radius: 999px; padding: 6px 12px;
}
.search:focus-within { border-color: var(--accent); box-shadow: 0 0 0 3px color-mix(in srgb, var(--accent) 22%, transparent); }
.search svg { width: 18px; height: 18px; fill: none; stroke: var(--muted); stroke-width: 2; stroke-linecap: round; flex: none; }
.search input { flex: 1; min-width: 0; border: 0; outline: 0; background: transparent; color: var(--ink); font: inherit; padding: 2px 0; }
.search kbd { font-family: var(--mono); font-size: 12px; color: var(--muted); border: 1px solid var(--line); border-radius: 5px; padding: 0 6px; }

.kinds { display: flex; gap: 8px; padding: 12px 20px 0; overflow-x: auto; scrollbar-width: none; }
.kinds button {
  flex: none; display: inline-flex; align-items: center; gap: 6px; cursor: pointer;
  border: 1px solid var(--line); background: var(--panel); color: var(--ink);
  border-radius: 999px; padding: 5px 12px; font: inherit; font-size: 13px;
}
.kinds button .n { color: var(--muted); font-variant-numeric: tabular-nums; }
.kinds button[aria-pressed="true"] { background: var(--accent); border-color: var(--accent); color: var(--accent-ink); }
.kinds button[aria-pressed="true"] .n { color: inherit; opacity: .8; }

.layout {
  display: grid; grid-template-columns: minmax(300px, 420px) minmax(0, 1fr); gap: 20px;
  padding: 14px 20px 40px; align-items: start;
}
.results { min-width: 0; }
.count { color: var(--muted); font-size: 13px; margin: 2px 4px 8px; }
.list { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 6px; }
.item {
  display: block; text-decoration: none; background: var(--panel); border: 1px solid var(--line);
  border-radius: var(--radius); padding: 10px 12px; box-shadow: var(--shadow); min-width: 0;
}
.item:hover { border-color: color-mix(in srgb, var(--accent) 50%, var(--line)); }
.item:focus-visible { outline: 2px solid var(--accent); outline-offset: 1px; }
.item[aria-current="true"] { border-color: var(--accent); box-shadow: 0 0 0 2px color-mix(in srgb, var(--accent) 30%, transparent); }
.item .row1 { display: flex; align-items: center; gap: 8px; min-width: 0; }
.item .name { font-weight: 600; overflow-wrap: break-word; min-width: 0; }
.item .name .parent { color: var(--muted); font-weight: 400; }
.item .dtype { margin-left: auto; flex: none; }
.item .desc { color: var(--muted); font-size: 13px; margin-top: 3px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.item .meta { display: flex; flex-wrap: wrap; gap: 4px 6px; margin-top: 6px; align-items: center; }
mark { background: var(--mark); color: inherit; border-radius: 3px; padding: 0 1px; }
.more { color: var(--muted); font-size: 13px; padding: 8px 4px; }

.badge {
  flex: none; display: inline-block; font-size: 11px; font-weight: 600; letter-spacing: .02em; text-transform: uppercase;
  border-radius: 5px; padding: 1px 6px; color: var(--k); background: color-mix(in srgb, var(--k) 13%, transparent);
}
.k-feature { --k: var(--k-feature); }
.k-feature_view { --k: var(--k-feature_view); }
.k-on_demand_feature_view { --k: var(--k-on_demand_feature_view); }
.k-feature_service { --k: var(--k-feature_service); }
.k-entity { --k: var(--k-entity); }
.k-source { --k: var(--k-source); }
.type { white-space: nowrap; font-family: var(--mono); font-size: 12px; border: 1px solid var(--line); border-radius: 5px; padding: 0 6px; background: var(--soft); }
.chip {
  display: inline-flex; align-items: center; gap: 4px; font-size: 12px; border-radius: 999px; padding: 1px 8px;
  background: var(--soft); border: 1px solid var(--line); color: var(--ink); text-decoration: none; cursor: pointer; font-family: inherit;
}
button.chip:hover, a.chip:hover { border-color: var(--accent); }
.chip .k { color: var(--muted); }
.fresh { display: inline-flex; align-items: center; flex-wrap: wrap; gap: 2px 6px; font-size: 12px; color: var(--muted); }
.dot { width: 8px; height: 8px; border-radius: 50%; background: var(--muted); flex: none; }
.dot.ok { background: var(--ok); } .dot.stale { background: var(--warn); } .dot.never { background: var(--line); border: 1px solid var(--muted); }

.detail {
  min-width: 0; background: var(--panel); border: 1px solid var(--line); border-radius: 14px;
  box-shadow: var(--shadow); padding: 22px 24px 28px; position: sticky; top: 76px;
  max-height: calc(100vh - 96px); overflow: auto; outline: none;
}
.empty-detail { color: var(--muted); max-width: 46ch; }
.empty-detail h2 { color: var(--ink); }
.back { display: none; margin: -6px 0 12px; border: 0; background: none; color: var(--accent); font: inherit; cursor: pointer; padding: 4px 0; }
.detail h2 { margin: 0 0 4px; font-size: 22px; line-height: 1.25; overflow-wrap: anywhere; }
.detail h2 .parent { color: var(--muted); font-weight: 400; }
.detail .headline { display: flex; align-items: center; gap: 10px; flex-wrap: wrap; margin-bottom: 6px; }
.detail .lead { color: var(--muted); margin: 6px 0 0; overflow-wrap: anywhere; white-space: pre-wrap; }
.detail h3 { font-size: 13px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); margin: 26px 0 10px; font-weight: 600; }
.facts { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 7px 18px; margin: 16px 0 0; }
.facts dt { color: var(--muted); font-size: 13px; padding-top: 1px; }
.facts dd { margin: 0; min-width: 0; overflow-wrap: anywhere; display: flex; flex-wrap: wrap; gap: 4px 6px; align-items: center; }
.muted { color: var(--muted); }
.error { color: var(--bad); }
.banner { margin: 14px 20px 0; padding: 12px 14px; border-radius: var(--radius); border: 1px solid var(--line); background: var(--panel); }
.banner.error { color: var(--ink); border-color: color-mix(in srgb, var(--bad) 55%, var(--line)); border-left-width: 4px; }

.lineage { display: flex; align-items: stretch; gap: 6px; overflow-x: auto; padding: 4px 2px 8px; }
.lin-col { display: flex; flex-direction: column; gap: 6px; justify-content: center; flex: 0 1 auto; }
.lin-arrow { align-self: center; color: var(--muted); font-size: 18px; flex: none; padding: 0 2px; }
.node {
  display: flex; flex-direction: column; gap: 2px; text-decoration: none; border: 1px solid var(--line);
  border-left: 4px solid var(--k); border-radius: 8px; padding: 6px 10px; background: var(--panel); max-width: 220px;
}
.node:hover { border-color: var(--k); }
.node .nk { font-size: 10px; text-transform: uppercase; letter-spacing: .05em; color: var(--k); font-weight: 650; }
.node .nn { font-weight: 600; font-size: 13px; overflow-wrap: break-word; }
.node.here { background: color-mix(in srgb, var(--k) 10%, var(--panel)); }
.node .nx { font-size: 11px; color: var(--muted); overflow-wrap: anywhere; }
/* Set by the client when the stages do not fit side by side: stages top to bottom. */
.lineage.vertical { flex-direction: column; align-items: stretch; overflow-x: visible; }
.lineage.vertical .lin-col { flex-direction: row; flex-wrap: wrap; justify-content: flex-start; }
.lineage.vertical .lin-arrow { transform: rotate(90deg); align-self: flex-start; margin-left: 18px; }
.lineage.vertical .node { max-width: 100%; }

.stats-meta { color: var(--muted); font-size: 13px; margin: -4px 0 12px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(108px, 1fr)); gap: 8px; }
.card { background: var(--soft); border-radius: 8px; padding: 8px 10px; min-width: 0; }
.card .l { font-size: 11px; color: var(--muted); text-transform: uppercase; letter-spacing: .05em; }
.card .v { font-size: 16px; font-weight: 600; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
.quantiles { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 10px; }
.chart { margin: 14px 0 0; }
.chart svg { width: 100%; height: auto; display: block; }
.chart .bar { fill: var(--bar); }
.chart .bar:hover { fill: var(--bar-hover); }
.chart .axis { stroke: var(--line); stroke-width: 1; }
.chart text { fill: var(--muted); font-size: 12px; font-family: var(--mono); }
.chart text.lab { fill: var(--ink); font-family: inherit; }
.chart .cap { font-size: 12px; color: var(--muted); margin-top: 4px; }

table.fields { width: 100%; border-collapse: collapse; font-size: 14px; }
table.fields th { text-align: left; font-size: 12px; color: var(--muted); font-weight: 600; padding: 6px 8px; border-bottom: 1px solid var(--line); }
table.fields td { padding: 7px 8px; border-bottom: 1px solid var(--line); vertical-align: middle; overflow-wrap: anywhere; }
table.fields tr:last-child td { border-bottom: 0; }
table.fields a { font-weight: 600; text-decoration: none; }
table.fields a:hover { text-decoration: underline; }
table.fields svg.spark { width: 90px; height: 22px; display: block; }
table.fields svg.spark rect { fill: var(--bar); }
.table-wrap { overflow-x: auto; }
table.fields td:first-child { white-space: nowrap; }
.noscript { padding: 20px; }
.token-form { display: flex; gap: 8px; flex-wrap: wrap; margin-top: 8px; }
.token-form input { flex: 1 1 240px; min-width: 0; font: inherit; padding: 6px 10px; border-radius: 8px; border: 1px solid var(--line); background: var(--soft); color: var(--ink); }
.token-form button { font: inherit; padding: 6px 14px; border-radius: 8px; border: 0; background: var(--accent); color: var(--accent-ink); cursor: pointer; }
.banner p { margin: 0; }

@media (max-width: 820px) {
  .top { padding: 10px 12px; gap: 10px; }
  .project { order: 3; width: 100%; }
  .search { flex-basis: 100%; order: 2; }
  .kinds { padding: 10px 12px 0; }
  .layout { grid-template-columns: minmax(0, 1fr); padding: 10px 12px 28px; }
  .layout.has-detail .results { display: none; }
  .layout:not(.has-detail) .detail { display: none; }
  .detail { position: static; max-height: none; padding: 16px; }
  .back { display: inline-block; }
  table.fields { min-width: 460px; }
  .facts { grid-template-columns: minmax(0, 1fr); gap: 2px; }
  .facts dd { margin-bottom: 8px; }
}
`;
