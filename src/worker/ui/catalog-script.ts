import { CHARTS_JS } from './client/charts.ts';
import { DETAIL_JS } from './client/detail.ts';
import { DOM_JS } from './client/dom.ts';
import { MAIN_JS } from './client/main.ts';
import { MODEL_JS } from './client/model.ts';

/**
 * The catalog's browser script (served at /ui/catalog.js): plain JavaScript, no framework, no
 * build step; one strict-mode function scope over the chunks in ./client/ (DOM helpers, search
 * model and lineage, SVG charts, detail panels, state and routing).
 */
export const CATALOG_JS = `// larder catalog (served by the Worker; no external code)
(function () {
'use strict';
${DOM_JS}
${MODEL_JS}
${CHARTS_JS}
${DETAIL_JS}
${MAIN_JS}
})();
`;
