import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';

describe('worker', () => {
  it('serves /health from workerd', async () => {
    const res = await exports.default.fetch('http://larder.test/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', project: 'default' });
  });
});
