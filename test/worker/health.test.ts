import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';

describe('worker', () => {
  it('serves /health from workerd with the kernel loaded', async () => {
    const res = await exports.default.fetch('http://larder.test/health');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; kernel: { memoryBytes: number } };
    expect(body.status).toBe('ok');
    expect(body.kernel.memoryBytes).toBeGreaterThan(0);
  });
});
