/**
 * The catalog page: a static shell (nothing from the registry is interpolated here; the client
 * fills it in with DOM text nodes). Its script and stylesheet are served from /ui/ by the same
 * Worker, so the Content-Security-Policy can forbid everything else.
 */
export const CATALOG_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>larder catalog</title>
<link rel="icon" href="/ui/icon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/ui/catalog.css">
<script src="/ui/catalog.js" defer></script>
</head>
<body>
<header class="top">
  <a class="brand" href="#/"><img src="/ui/icon.svg" alt="" width="28" height="28"><span>larder <b>catalog</b></span></a>
  <div class="project" id="project" aria-live="polite"></div>
  <label class="search">
    <span class="visually-hidden">Search features, views, services, entities and sources</span>
    <svg viewBox="0 0 24 24" aria-hidden="true"><circle cx="10.5" cy="10.5" r="6.5"/><path d="M15.5 15.5 21 21"/></svg>
    <input id="q" type="search" autocomplete="off" spellcheck="false" placeholder="Search by name, tag:team=drivers, owner:ml@, type:float">
    <kbd>/</kbd>
  </label>
</header>
<nav class="kinds" id="kinds" aria-label="Filter by kind"></nav>
<main class="layout" id="layout">
  <section class="results" aria-label="Results">
    <div class="count" id="count" aria-live="polite">Loading the registry…</div>
    <ol class="list" id="list"></ol>
  </section>
  <section class="detail" id="detail" aria-label="Details" tabindex="-1">
    <div class="empty-detail">
      <h2>Find a feature</h2>
      <p>Type in the search box to filter by name, description, tag or owner, then pick a result to see its type, source, lineage, freshness and statistics.</p>
    </div>
  </section>
</main>
<noscript><p class="noscript">The catalog needs JavaScript. The same data is at <a href="/registry">/registry</a>.</p></noscript>
</body>
</html>
`;
