// The Queues consumer inside workerd (vitest-plugin's Queues simulation:
// createMessageBatch / getQueueResult): acks after writes, dead-letters
// invalid messages with the reason, retries store failures, and stays
// idempotent when a message is delivered again.
import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { parquetReadObjects } from 'hyparquet';
import { beforeAll, describe, expect, it } from 'vitest';
import { D1RegistryStore } from '../../src/stores/registry/d1-registry-store.ts';
import { createWorker, type Env } from '../../src/worker/index.ts';
import type { DeadLetter } from '../../src/worker/queue.ts';
import { fixtureDoc } from '../serving/fixture-registry.ts';

const PROJECT = 'queue_test';
const baseEnv = env as unknown as Env;
const worker = createWorker();

const T1 = '2025-04-01T10:00:00Z';
const T2 = '2025-04-01T12:00:00Z';
const pushBody = (id: number, ts: string, conv: number, to = 'online_and_offline') => ({
  push_source_name: 'driver_push',
  df: { driver_id: [id], event_timestamp: [ts], created: [null], conv_rate: [conv], acc_rate: [0.5], avg_daily_trips: [id % 100] },
  to,
});

class RecordingQueue {
  readonly sent: unknown[] = [];
  async send(body: unknown) {
    this.sent.push(body);
  }
}

async function deliver(messages: { id: string; body: unknown; attempts?: number }[], envOver: Partial<Env> = {}) {
  const batch = createMessageBatch('larder-push', messages.map((m) => ({ id: m.id, timestamp: new Date(), attempts: m.attempts ?? 1, body: m.body })));
  const ctx = createExecutionContext();
  const e: Env = { ...baseEnv, LARDER_PROJECT: PROJECT, ...envOver };
  await worker.queue!(batch as never, e, ctx);
  return getQueueResult(batch, ctx);
}

async function onlineConv(id: number): Promise<unknown> {
  const r = await worker.fetch!(
    new Request('http://larder.test/get-online-features', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ features: ['driver_hourly_stats:conv_rate'], entities: { driver_id: [id] }, include_stale: true }),
    }) as never,
    { ...baseEnv, LARDER_PROJECT: PROJECT },
    createExecutionContext(),
  );
  return ((await r.json()) as { results: { values: unknown[] }[] }).results[1].values[0];
}

const r2Keys = async () => (await baseEnv.OFFLINE!.list({ prefix: '_pushed/' })).objects.map((o) => o.key).sort();

beforeAll(async () => {
  const r = await new D1RegistryStore(baseEnv.DB).write({ ...fixtureDoc, project: PROJECT }, 0);
  if (!r.ok && r.error.code !== 'conflict') throw new Error(r.error.message);
});

describe('queue consumer', () => {
  it('acks each message after its rows are written online and offline (key from the message id)', async () => {
    const dlq = new RecordingQueue();
    const res = await deliver([{ id: 'msg-1', body: pushBody(7001, T1, 0.25) }, { id: 'msg-2', body: JSON.stringify(pushBody(7002, T1, 0.75)) }], { PUSH_DLQ: dlq as never });
    expect(res.explicitAcks.sort()).toEqual(['msg-1', 'msg-2']);
    expect(res.retryMessages).toEqual([]);
    expect(dlq.sent).toEqual([]);
    expect(await onlineConv(7001)).toBe(0.25);
    expect(await onlineConv(7002)).toBe(0.75);
    const keys = await r2Keys();
    expect(keys).toContain('_pushed/d/2025-04-01/m-msg-1.parquet');
    const rows = await parquetReadObjects({ file: await (await baseEnv.OFFLINE!.get('_pushed/d/2025-04-01/m-msg-1.parquet'))!.arrayBuffer() });
    expect(rows.map((r) => [r.driver_id, r.conv_rate])).toEqual([[7001n, 0.25]]);
  });

  it('a redelivered message is idempotent: same object key, same online value', async () => {
    const before = await r2Keys();
    const res = await deliver([{ id: 'msg-1', body: pushBody(7001, T1, 0.25), attempts: 2 }]);
    expect(res.explicitAcks).toEqual(['msg-1']);
    expect(await r2Keys()).toEqual(before);
    expect(await onlineConv(7001)).toBe(0.25);
  });

  it('out of order messages: the older event never replaces the newer one online', async () => {
    const res = await deliver([{ id: 'msg-new', body: pushBody(7010, T2, 0.9, 'online') }, { id: 'msg-old', body: pushBody(7010, T1, 0.1, 'online') }]);
    expect(res.explicitAcks.sort()).toEqual(['msg-new', 'msg-old']);
    expect(await onlineConv(7010)).toBeCloseTo(0.9, 6);
  });

  it('invalid messages go to the dead-letter queue with the reason, then are acked; nothing is written', async () => {
    const dlq = new RecordingQueue();
    const kvBefore = (await baseEnv.ONLINE_KV.list()).keys.length;
    const r2Before = await r2Keys();
    const bad = pushBody(7020, T1, 0.5);
    (bad.df.conv_rate as unknown[])[0] = 'fast';
    const res = await deliver(
      [
        { id: 'bad-rows', body: bad },
        { id: 'bad-json', body: '{"push_source_name": ' },
        { id: 'bad-shape', body: { hello: 'world' } },
        { id: 'bad-source', body: { ...pushBody(7021, T1, 0.5), push_source_name: 'nope' } },
      ],
      { PUSH_DLQ: dlq as never },
    );
    expect(res.explicitAcks.sort()).toEqual(['bad-json', 'bad-rows', 'bad-shape', 'bad-source']);
    expect(res.retryMessages).toEqual([]);
    const letters = dlq.sent as DeadLetter[];
    expect(letters.map((l) => [l.messageId, l.reason.code])).toEqual([
      ['bad-rows', 'invalid_rows'],
      ['bad-json', 'invalid_json'],
      ['bad-shape', 'invalid_request'],
      ['bad-source', 'not_found'],
    ]);
    expect(letters[0]).toMatchObject({ larderDeadLetter: 1, queue: 'larder-push', attempts: 1, body: bad });
    expect((letters[0].reason.details as { issues: { row: number; column: string }[] }).issues[0]).toMatchObject({ row: 0, column: 'conv_rate' });
    expect((await baseEnv.ONLINE_KV.list()).keys.length).toBe(kvBefore);
    expect(await r2Keys()).toEqual(r2Before);
    expect(await onlineConv(7020)).toBeNull();
  });

  it('the real PUSH_DLQ binding accepts dead letters', async () => {
    const res = await deliver([{ id: 'bad-real', body: { hello: 'world' } }]);
    expect(res.explicitAcks).toEqual(['bad-real']);
  });

  it('a store failure retries the message and writes nothing online', async () => {
    const failing = { put: async () => { throw new Error('R2 is down'); }, get: async () => null, list: async () => ({ objects: [], truncated: false }) };
    const dlq = new RecordingQueue();
    const res = await deliver([{ id: 'msg-r2-down', body: pushBody(7030, T1, 0.5) }], { OFFLINE: failing as never, PUSH_DLQ: dlq as never });
    expect(res.explicitAcks).toEqual([]);
    expect(res.retryMessages.map((m) => m.msgId)).toEqual(['msg-r2-down']);
    expect(dlq.sent).toEqual([]);
    expect(await onlineConv(7030)).toBeNull();
    // Delivered again once the store is back: written once.
    const again = await deliver([{ id: 'msg-r2-down', body: pushBody(7030, T1, 0.5), attempts: 2 }]);
    expect(again.explicitAcks).toEqual(['msg-r2-down']);
    expect(await onlineConv(7030)).toBe(0.5);
  });

  it('without a dead-letter binding an invalid message is retried (the queue dead-letters it after max_retries)', async () => {
    const res = await deliver([{ id: 'bad-no-dlq', body: { hello: 'world' } }], { PUSH_DLQ: undefined });
    expect(res.explicitAcks).toEqual([]);
    expect(res.retryMessages.map((m) => m.msgId)).toEqual(['bad-no-dlq']);
  });
});
