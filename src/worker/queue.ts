// The Cloudflare Queues consumer: each message is a push payload (Feast's
// JSON push body). A message is acknowledged only after its rows are
// written; an invalid one goes to the dead-letter queue with the reason and
// is then acknowledged; a store failure retries it. Redelivery is
// idempotent: online writes keep the newer value, and the offline object is
// keyed by the message id, so a second delivery overwrites the first copy.
import type { FsError, FsErrorCode, Result } from '../core/errors.ts';
import type { ServingContext } from '../serving/context.ts';
import { pushFrame } from '../serving/push-rows.ts';
import type { OfflineWriter } from '../stores/offline/offline-writer.ts';
import type { Limits } from './limits.ts';
import { wireSchemas } from './wire-schemas.ts';
import { z } from '@hono/zod-openapi';

/** The parts of a queue `Message` the consumer uses. */
export interface MessageLike {
  readonly id: string;
  readonly body: unknown;
  readonly attempts: number;
  ack(): void;
  retry(options?: { delaySeconds?: number }): void;
}

export interface MessageBatchLike {
  readonly queue: string;
  readonly messages: readonly MessageLike[];
}

/** The dead-letter queue producer (a Queue binding). */
export interface QueueProducerLike {
  send(body: unknown, options?: { contentType?: 'json' | 'text' | 'bytes' | 'v8' }): Promise<unknown>;
}

export interface QueueDeps {
  readonly context: () => Promise<Result<ServingContext>>;
  readonly offline?: OfflineWriter;
  /** Where invalid messages go; without one they are retried, so the queue's own dead_letter_queue catches them after max_retries. */
  readonly dlq?: QueueProducerLike;
  readonly limits: Limits;
  readonly log?: (message: string) => void;
}

/** What the dead-letter queue receives for an invalid message (format version 1). */
export interface DeadLetter {
  readonly larderDeadLetter: 1;
  readonly queue: string;
  readonly messageId: string;
  readonly attempts: number;
  readonly reason: FsError;
  readonly body: unknown;
}

/** Failures worth another delivery: the stores or the runtime, not the message. */
const TRANSIENT: ReadonlySet<FsErrorCode> = new Set(['store_unavailable', 'io_error', 'kernel_failed', 'kernel_out_of_memory']);

export type MessageOutcome = 'acked' | 'retried' | 'dead_lettered';

function parseBody(body: unknown, limits: Limits): Result<z.output<ReturnType<typeof wireSchemas>['PushRequest']>> {
  let value = body;
  if (typeof body === 'string' || body instanceof ArrayBuffer || ArrayBuffer.isView(body)) {
    const text = typeof body === 'string' ? body : new TextDecoder().decode(body as ArrayBuffer);
    try {
      value = JSON.parse(text);
    } catch {
      return { ok: false, error: { code: 'invalid_json', message: 'message body is not valid JSON' } };
    }
  }
  const parsed = wireSchemas(limits).PushRequest.safeParse(value);
  if (!parsed.success)
    return { ok: false, error: { code: 'invalid_request', message: 'message body is not a push request', details: z.flattenError(parsed.error) } };
  return { ok: true, value: parsed.data };
}

/** Handle one message; returns what was done with it. */
export async function consumePushMessage(queue: string, msg: MessageLike, deps: QueueDeps): Promise<MessageOutcome> {
  const deadLetter = async (reason: FsError): Promise<MessageOutcome> => {
    if (deps.dlq === undefined) {
      deps.log?.(`larder queue ${queue}: message ${msg.id} is invalid (${reason.code}) and no PUSH_DLQ binding exists: retrying`);
      msg.retry();
      return 'retried';
    }
    const letter: DeadLetter = { larderDeadLetter: 1, queue, messageId: msg.id, attempts: msg.attempts, reason, body: msg.body };
    try {
      await deps.dlq.send(letter, { contentType: 'json' });
    } catch (e) {
      deps.log?.(`larder queue ${queue}: dead-lettering ${msg.id} failed: ${(e as Error).message}; retrying`);
      msg.retry();
      return 'retried';
    }
    msg.ack();
    return 'dead_lettered';
  };

  const body = parseBody(msg.body, deps.limits);
  if (!body.ok) return deadLetter(body.error);
  const ctx = await deps.context();
  if (!ctx.ok) {
    // No registry yet, or its store is down: not the message's fault.
    msg.retry();
    return 'retried';
  }
  let r;
  try {
    r = await pushFrame(ctx.value, body.value.push_source_name, body.value.df, { to: body.value.to, offline: deps.offline, batchId: `m-${msg.id}` });
  } catch (e) {
    deps.log?.(`larder queue ${queue}: message ${msg.id} failed: ${(e as Error).message}`);
    msg.retry();
    return 'retried';
  }
  if (r.ok) {
    msg.ack();
    return 'acked';
  }
  if (TRANSIENT.has(r.error.code)) {
    deps.log?.(`larder queue ${queue}: message ${msg.id}: ${r.error.code}: ${r.error.message}; retrying`);
    msg.retry();
    return 'retried';
  }
  return deadLetter(r.error);
}

/** The queue handler: messages one by one, in order. */
export async function consumePushBatch(batch: MessageBatchLike, deps: QueueDeps): Promise<MessageOutcome[]> {
  const out: MessageOutcome[] = [];
  for (const msg of batch.messages) out.push(await consumePushMessage(batch.queue, msg, deps));
  return out;
}

/** The serving context of one message, built from the app's dependencies (as createApp does per request). */
export function queueContext(deps: {
  readonly project: string;
  readonly kernel: () => Promise<ServingContext['kernel']>;
  readonly registry: { get(): Promise<Result<ServingContext['registry'] | null>> };
  readonly online: ServingContext['online'];
  readonly transforms?: ServingContext['transforms'];
  readonly now?: () => number;
}): () => Promise<Result<ServingContext>> {
  return async () => {
    const reg = await deps.registry.get();
    if (!reg.ok) return reg;
    if (reg.value === null) return { ok: false, error: { code: 'not_found', message: `no registry has been applied for project "${deps.project}"` } };
    let kernel: ServingContext['kernel'];
    try {
      kernel = await deps.kernel();
    } catch (e) {
      return { ok: false, error: { code: 'kernel_failed', message: `kernel failed to load: ${(e as Error).message}` } };
    }
    return {
      ok: true,
      value: { project: deps.project, kernel, registry: reg.value, online: deps.online, transforms: deps.transforms ?? new Map(), now: deps.now ?? (() => Date.now() * 1000) },
    };
  };
}
