// One materialization in its own process, so its peak RSS is its own: runs
// the larder CLI (`materialize START END --repo DIR`) and prints one JSON
// line with the wall time, the CLI's output and the peak RSS (VmHWM).
import { readFileSync } from 'node:fs';
import { main } from '../../offline/cli/main.ts';

const argv = process.argv.slice(2);
const lines: string[] = [];
const io = { cwd: process.cwd(), out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
const t0 = performance.now();
const code = await main(argv, io);
const ms = performance.now() - t0;
const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
const peakRssBytes = hwm ? Number(hwm[1]) * 1024 : process.resourceUsage().maxRSS * 1024;
console.log(JSON.stringify({ code, ms, peakRssBytes, output: lines }));
process.exit(code);
