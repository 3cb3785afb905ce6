/**
 * One engine per process: `larder stats --file FILE --format json --out OUT`
 * through the CLI's own entry (main), timed from the command's start to its
 * end. Prints one JSON line with the time and the process's peak RSS (decode
 * worker threads included).
 * Usage: node bench/stats/larder-child.ts FILE OUT
 */
import { main } from '../../offline/cli/main.ts';
import { peakRss } from './data.ts';

const [file, out] = process.argv.slice(2);
const lines: string[] = [];
const t0 = performance.now();
const code = await main(['stats', '--file', file, '--format', 'json', '--out', out], { cwd: process.cwd(), out: (l) => lines.push(l), err: (l) => lines.push(l) });
const totalMs = performance.now() - t0;
if (code !== 0) throw new Error(`larder stats failed: ${lines.join('\n')}`);
console.log(JSON.stringify({ engine: 'larder stats', totalMs, peakRssBytes: await peakRss(), out }));
