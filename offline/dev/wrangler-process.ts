// Running wrangler from larder: its CLI on this Node (process.execPath, no
// npx), offline (no request metadata fetch, no metrics), and for `wrangler
// dev` in a process group of its own, so stopping it stops workerd too.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** wrangler's CLI script (the package's bin re-spawns Node on it; we spawn it directly). */
export function wranglerCli(): string {
  return join(dirname(createRequire(import.meta.url).resolve('wrangler/package.json')), 'wrangler-dist', 'cli.js');
}

/** The environment wrangler runs in: no network needed. */
export function wranglerEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false', ...extra };
}

/** Run a short wrangler command to completion, capturing its output. */
export function runWrangler(args: readonly string[], cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--no-warnings', wranglerCli(), ...args], { cwd, env: wranglerEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (e) => resolve({ code: 127, output: `${output}${e.message}\n` }));
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), output }));
  });
}

export interface GroupProcess {
  readonly child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** SIGTERM to the whole group, SIGKILL after `graceMs`; resolves once the leader has exited. */
  stop(graceMs?: number): Promise<void>;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone already
  }
}

/**
 * Start a long-running wrangler command (`wrangler dev`) as the leader of a
 * new process group. stdin is never the terminal (a background group reading
 * it would be stopped); output goes to `output` (a file descriptor or 'pipe')
 * or is inherited. If this process exits first, the group is killed with it.
 */
export function spawnWranglerGroup(args: readonly string[], cwd: string, output: 'inherit' | 'pipe' | number): GroupProcess {
  const child = spawn(process.execPath, ['--no-warnings', wranglerCli(), ...args], {
    cwd,
    env: wranglerEnv(),
    stdio: ['ignore', output, output],
    detached: true,
  });
  const pid = child.pid!;
  const onExit = () => signalGroup(pid, 'SIGKILL');
  process.on('exit', onExit);
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => {
      process.off('exit', onExit);
      resolve(code);
    });
    child.on('error', () => resolve(127));
  });
  return {
    child,
    exited,
    async stop(graceMs = 5000) {
      signalGroup(pid, 'SIGTERM');
      const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
      // workerd may outlive wrangler by a moment: make sure nothing of the group is left.
      signalGroup(pid, 'SIGKILL');
    },
  };
}
