// The soak of bench/load/run.ts, shortened for CI: real `wrangler dev --local`
// on loopback, 8 connections for 10 s of mixed reads and pushes; zero errors
// and zero lost writes (every acknowledged push is readable afterwards with
// its value or a newer one). The full run is `npm run bench:load` (60 s, 32).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const RUN = fileURLToPath(new URL('../../bench/load/run.ts', import.meta.url));

it('a 10 s soak at 8 connections has no errors and no lost writes', async () => {
  const child = spawn(process.execPath, [RUN, '--seconds', '10', '--connections', '8'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const line = out.split('\n').find((l) => l.startsWith('LOAD_RESULT '));
  expect(line, out).toBeDefined();
  const r = JSON.parse(line!.slice('LOAD_RESULT '.length)) as { errors: number; lost_writes: number; reads: number; writes: number; drivers_checked: number };
  expect(r.errors, out).toBe(0);
  expect(r.lost_writes, out).toBe(0);
  expect(r.reads).toBeGreaterThan(0);
  expect(r.writes).toBeGreaterThan(0);
  expect(r.drivers_checked).toBeGreaterThan(0);
  expect(code, out).toBe(0);
}, 180_000);
