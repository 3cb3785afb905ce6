// The catalog end to end in headless Chromium (Debian's, driven by playwright-core) against the
// real Worker under `wrangler dev --local`: a repo is init-ed for the Worker's stores, applied,
// materialized and given statistics (`larder stats`); the browser searches, opens a feature and
// sees its type, lineage, freshness and histogram; a screenshot is checked for not being blank.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ViewStatistics } from '../../src/core/schema/statistics.ts';
import { startDev, type RunningDev } from '../../offline/dev/dev-server.ts';
import { readWatermarks, watermarkPath } from '../../offline/materialize/watermarks.ts';
import { iterateRowGroups } from '../../offline/parquet/index.ts';
import { loadConfig } from '../../offline/repo/load-config.ts';
import { openRepoStores } from '../../offline/stores/open-online-store.ts';
import { run } from '../offline/cli/cli-support.ts';
import { colourSummary, decodePng } from './catalog-png.ts';

const CHROMIUM = '/usr/bin/chromium';
const ENSURE = fileURLToPath(new URL('../../scripts/ensure-chromium.sh', import.meta.url));
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const PROJECT = 'catalog_e2e';
const HOSTILE = 'Hourly driver stats <img src=x onerror="window.__xss=1"><script>window.__xss=2</script>';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Non-null conv_rate values in the generated data set, read straight from the Parquet file. */
async function convRateCount(repo: string): Promise<number> {
  let n = 0;
  for await (const b of iterateRowGroups(join(repo, 'data/driver_stats.parquet'), { columns: ['conv_rate'] })) {
    const col = (b.columns as Record<string, { validity: Uint8Array | null }>).conv_rate;
    for (let i = 0; i < b.numRows; i++) if (col.validity === null || col.validity[i]) n++;
  }
  return n;
}

let home = '';
let dev: RunningDev | null = null;
let browser: Promise<BrowserContext> | null = null;

/** Chromium with a fresh profile (launched while the repo is being set up). */
function launchBrowser(profileDir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1280, height: 900 } });
}

beforeAll(() => {
  // Installs Debian's chromium when it is missing (apt-get; needs root): a no-op when present.
  execFileSync('bash', [ENSURE], { stdio: 'inherit', timeout: 600_000 });
}, 660_000);

afterAll(async () => {
  await browser?.then((b) => b.close()).catch(() => undefined);
  await dev?.stop();
  if (home) await rm(home, { recursive: true, force: true });
});

describe('catalog in Chromium against wrangler dev', () => {
  it('searches, opens a feature, shows its type, lineage, freshness and histogram, and renders a non-blank page', async () => {
    home = await mkdtemp(join(tmpdir(), 'larder-catalog-e2e-'));
    browser = launchBrowser(await mkdtemp(join(home, 'chromium-profile-')));
    const repo = join(home, 'repo');
    expect((await run(home, 'init', repo, '--project', PROJECT)).code).toBe(0);
    await writeFile(join(repo, 'larder.yaml'), `project: ${PROJECT}\nregistry:\n  type: d1\nonline_store:\n  type: kv\n`);
    // An owner and a description that is HTML: the page must show it as text.
    const features = await readFile(join(repo, 'features.ts'), 'utf8');
    const anchor = "  schema: driverStatsSchema,\n  source: driverStatsSource,\n";
    expect(features).toContain(anchor);
    await writeFile(join(repo, 'features.ts'), features.replace(anchor, `${anchor}  owner: 'ml-platform@example.com',\n  description: ${JSON.stringify(HOSTILE)},\n`));

    for (const step of [['migrate'], ['apply'], ['materialize-incremental', 'now'], ['stats', 'driver_hourly_stats']]) {
      const r = await run(repo, ...step);
      expect(r.code, `${step.join(' ')}: ${r.err}`).toBe(0);
    }

    // What the Worker will read: statistics from `larder stats`, and the view's watermark. Until
    // materialization records watermarks in the metadata store itself, copy the one it wrote to
    // its watermark file there (the same value, where the Worker can read it).
    const loaded = await loadConfig(repo);
    if (!('config' in loaded)) throw new Error(JSON.stringify(loaded.issues));
    const { config } = loaded;
    const marks = await readWatermarks(watermarkPath(repo, config), PROJECT);
    if (!marks.ok) throw new Error(marks.error.message);
    const mark = marks.value.views.driver_hourly_stats;
    expect(mark?.watermark).toMatch(/^\d{4}-\d\d-\d\dT/);
    const stores = await openRepoStores(repo, config, { online: false });
    if (!stores.ok) throw new Error(stores.error.message);
    let stats: ViewStatistics;
    try {
      const meta = stores.value.metadata;
      const stored = await meta.get(PROJECT, 'statistics', 'driver_hourly_stats');
      if (!stored.ok || stored.value === null) throw new Error('larder stats stored no statistics');
      stats = stored.value.body as ViewStatistics;
      const wm = await meta.get(PROJECT, 'watermark', 'driver_hourly_stats');
      if (!wm.ok) throw new Error(wm.error.message);
      if (wm.value === null) {
        for (const [view, m] of Object.entries(marks.value.views)) {
          const put = await meta.put(PROJECT, 'watermark', view, m);
          if (!put.ok) throw new Error(put.error.message);
        }
      } else expect((wm.value.body as { watermark: string }).watermark).toBe(mark.watermark);
    } finally {
      await stores.value.close();
    }
    const conv = stats.features.find((f) => f.name === 'conv_rate')!;
    const convValues = await convRateCount(repo);
    expect(conv.count).toBe(convValues);
    const wantCounts = conv.numeric!.histogram.map((b) => b.count);
    expect(wantCounts.reduce((a, b) => a + b, 0)).toBe(convValues);

    const started = await startDev({ repoDir: repo, config, port: await freePort(), wranglerOutput: { file: join(home, 'wrangler.log') }, skipMigrations: true });
    if (!started.ok) throw new Error(`${started.error.message}\n${await readFile(join(home, 'wrangler.log'), 'utf8').catch(() => '')}`);
    dev = started.value;
    const ui = await fetch(`${dev.url}/ui`);
    expect(ui.status).toBe(200);
    expect(ui.headers.get('content-security-policy')).toContain("script-src 'self'");
    await ui.body?.cancel();

    const context = await browser;
    const page: Page = context.pages()[0] ?? (await context.newPage());
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
    await page.goto(`${dev.url}/ui`);
    await page.locator('#list .item').first().waitFor();
    const keys = () => page.locator('#list .item').evaluateAll((els) => els.map((e) => e.getAttribute('data-key')));

    // Every object is listed: 8 features, 2 views, 1 on-demand view, 2 services, 1 entity, 3 sources.
    expect(await page.locator('#kinds button').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-kind')} ${e.querySelector('.n')?.textContent}`))).toEqual([
      'all 17', 'feature 8', 'feature_view 2', 'on_demand_feature_view 1', 'feature_service 2', 'entity 1', 'source 3',
    ]);
    expect(await page.locator('#project').textContent()).toContain(PROJECT);

    // Instant filtering: by owner, by tag, by name.
    await page.locator('#q').fill('owner:ml-platform');
    expect((await keys()).sort()).toEqual(['feature/driver_hourly_stats/acc_rate', 'feature/driver_hourly_stats/avg_daily_trips', 'feature/driver_hourly_stats/conv_rate', 'feature_view/driver_hourly_stats']);
    await page.locator('#q').fill('tag:team=driver_performance type:int64');
    expect(await keys()).toEqual(['feature/driver_hourly_stats/avg_daily_trips', 'feature/driver_hourly_stats_fresh/avg_daily_trips']);
    await page.locator('#q').fill('conv_rate');
    const found = await keys();
    expect(found.slice(0, 2)).toEqual(['feature/driver_hourly_stats/conv_rate', 'feature/driver_hourly_stats_fresh/conv_rate']);
    expect(found).toContain('on_demand_feature_view/transformed_conv_rate');
    expect(found).not.toContain('feature/driver_hourly_stats/acc_rate');
    expect(await page.locator('#list .item mark').first().textContent()).toBe('conv_rate');

    // Open the feature.
    await page.locator('#list .item').first().click();
    await page.locator('#detail [data-chart="histogram"] rect.bar').first().waitFor();
    expect(page.url()).toMatch(/#\/feature\/driver_hourly_stats\/conv_rate$/);
    const detail = page.locator('#detail');
    expect(await detail.locator('h2').textContent()).toBe('driver_hourly_stats:conv_rate');
    expect(await detail.locator('.headline .type').textContent()).toBe('float32');
    expect(await detail.locator('.lineage .node').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-kind')}:${e.getAttribute('data-name')}`))).toEqual([
      'source:driver_hourly_stats_source',
      'feature_view:driver_hourly_stats',
      'on_demand_feature_view:transformed_conv_rate',
      'feature_service:driver_activity_v1',
      'feature_service:driver_activity_v2',
    ]);
    const fresh = detail.locator('.facts [data-fresh]');
    expect(await fresh.getAttribute('data-fresh')).toBe('ok');
    expect(await fresh.getAttribute('title')).toBe(mark.watermark);
    // The hostile description is text, and nothing ran.
    expect(await detail.locator('.lead').textContent()).toBe(HOSTILE);
    expect(await detail.locator('img, script').count()).toBe(0);

    // The histogram: one bar per stored bucket, heights proportional to the counts, not all zero.
    const bars = await detail.locator('[data-chart="histogram"] rect.bar').evaluateAll((els) => els.map((e) => ({ h: Number(e.getAttribute('height')), n: Number(e.getAttribute('data-count')) })));
    expect(bars.map((b) => b.n)).toEqual(wantCounts);
    expect(bars.filter((b) => b.h > 0).length).toBe(wantCounts.filter((n) => n > 0).length);
    expect(bars.filter((b) => b.h > 0).length).toBeGreaterThan(1);
    const tallest = Math.max(...bars.map((b) => b.h));
    for (const b of bars) expect(b.h).toBeCloseTo((tallest * b.n) / Math.max(...wantCounts), 1);
    const box = await detail.locator('[data-chart="histogram"] svg').boundingBox();
    expect(box!.width).toBeGreaterThan(300);
    expect(box!.height).toBeGreaterThan(80);
    expect(await detail.locator('.cards').textContent()).toContain(conv.count.toLocaleString('en-US'));

    // A screenshot that is a page, not a blank.
    const shot = await page.screenshot();
    // LARDER_CATALOG_SCREENSHOTS=DIR keeps the screenshots (for looking at them, or as CI artifacts).
    if (process.env.LARDER_CATALOG_SCREENSHOTS) await writeFile(join(process.env.LARDER_CATALOG_SCREENSHOTS, 'catalog-feature.png'), shot);
    const png = decodePng(shot);
    expect([png.width, png.height]).toEqual([1280, 900]);
    const colours = colourSummary(png);
    expect(colours.distinct).toBeGreaterThan(40);
    expect(colours.nonBackgroundShare).toBeGreaterThan(0.2);

    // The view's page lists its features with statistics; the hostile description stays text.
    await page.locator('#detail .lineage .node[data-kind="feature_view"]').click();
    await page.locator('#detail [data-stats="view"] svg.spark').first().waitFor();
    expect(await detail.locator('h2').textContent()).toBe('driver_hourly_stats');
    expect(await detail.locator('table.fields tbody tr').count()).toBe(3);
    expect(await page.locator('img:not([src="/ui/icon.svg"]), #detail script').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();

    // A narrow screen: one column, nothing wider than the viewport; back to the results.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(await page.locator('.results').isVisible()).toBe(false);
    await page.locator('#detail .back').click();
    await page.locator('.results').waitFor({ state: 'visible' });
    expect(await page.locator('#detail').isVisible()).toBe(false);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const narrowShot = await page.screenshot();
    if (process.env.LARDER_CATALOG_SCREENSHOTS) await writeFile(join(process.env.LARDER_CATALOG_SCREENSHOTS, 'catalog-narrow.png'), narrowShot);
    const narrow = colourSummary(decodePng(narrowShot));
    expect(narrow.nonBackgroundShare).toBeGreaterThan(0.1);

    // No CSP violation, script error or failed request along the way.
    expect(problems).toEqual([]);
  }, 150_000);
});
