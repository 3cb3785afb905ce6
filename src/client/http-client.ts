import { err, ok, type FsErrorCode, type Result } from '../core/errors.ts';
import { toWireRequest, type FeastOnlineResponse, type FeatureClient, type OnlineFeaturesQuery } from './feature-client.ts';

export interface HttpClientOptions {
  /** e.g. `https://features.example.com` or `http://127.0.0.1:8787`. */
  readonly baseUrl: string;
  /**
   * The fetch to use: global fetch by default; pass a service binding's
   * `fetch` (`env.LARDER.fetch.bind(env.LARDER)`) to call the larder Worker
   * without leaving Cloudflare's network.
   */
  readonly fetch?: (req: Request) => Promise<Response>;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A FeatureClient over larder's (Feast-compatible) HTTP API. Works in Workers and Node. */
export function httpClient(options: HttpClientOptions): FeatureClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? ((req: Request) => fetch(req));
  return {
    async getOnlineFeatures(query: OnlineFeaturesQuery): Promise<Result<FeastOnlineResponse>> {
      let res: Response;
      try {
        res = await doFetch(
          new Request(`${base}/get-online-features`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...options.headers },
            body: JSON.stringify(toWireRequest(query)),
          }),
        );
      } catch (e) {
        return err('store_unavailable', `larder is unreachable at ${base}: ${(e as Error).message}`);
      }
      let body: unknown;
      try {
        body = await res.json();
      } catch {
        return err('invalid_request', `larder answered ${res.status} with a body that is not JSON`);
      }
      if (!res.ok) {
        const e = (body as { error?: { code?: string; message?: string; details?: unknown } }).error;
        return err((e?.code ?? 'invalid_request') as FsErrorCode, e?.message ?? `HTTP ${res.status}`, e?.details);
      }
      return ok(body as FeastOnlineResponse);
    },
  };
}
