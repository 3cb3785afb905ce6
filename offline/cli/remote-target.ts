// `--remote URL [--token T]`, shared by the commands that act on a deployed Worker (or
// `larder serve`): materialize and apply.
import type { RemoteTarget } from '../materialize/remote-sink.ts';
import { UsageError } from './cli-io.ts';

/** `--remote URL [--token T]`: the target, checked; null without --remote. */
export function remoteOption(values: { remote?: string; token?: string }): RemoteTarget | null {
  if (values.remote === undefined) {
    if (values.token !== undefined) throw new UsageError('--token goes with --remote URL');
    return null;
  }
  let url: URL;
  try {
    url = new URL(values.remote);
  } catch {
    throw new UsageError(`--remote ${JSON.stringify(values.remote)} is not a URL (e.g. https://features.example.workers.dev)`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UsageError(`--remote takes an http(s) URL, not ${url.protocol}`);
  const token = values.token ?? process.env.LARDER_TOKEN;
  return { url: url.toString().replace(/\/+$/, ''), ...(token ? { token } : {}) };
}
