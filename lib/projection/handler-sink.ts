/**
 * The one consumer edge of a process that is not a projection (the trainer's
 * request consumer, the threshold watcher, the webhooks, the gateway's
 * follower): each message is decoded with its topic's contract (its
 * validator included), then handed to the topic's handler. The crash policy
 * is the routed sink's (routed-sink.ts):
 *
 * - **refused input** (a non-retriable AppError: the contract's validator, a
 *   DecodeError, or the handler throwing a ValidationError, or returning a
 *   `Refusal`): a dead letter with the reason, and the consumer goes on;
 * - **a dependency down** (a retriable error, e.g. the schema registry):
 *   thrown, so the runner holds the batch and writes it again with backoff
 *   (the follower retries the message);
 * - **a bug** (anything else, `UNREACHABLE` included): thrown, so the runner
 *   stops, the process exits with the stack and is restarted; nothing is
 *   committed past it.
 */
import { UNKNOWN_SCHEMA, type AvroCodec, type TypedContract } from '../avro/codec.js';
import { AppError, messageOf } from '../errors.js';
import { isRefusal, type Refusal } from '../../domain/decider.js';
import type { DeadLetters } from '../kafka/dead-letter.js';
import type { BatchSink, Delivery } from '../kafka/delivery.js';

/** What a handler may return: nothing (handled), or a refusal (dead-lettered with its reason). */
type Handled = void | Refusal;

/** One topic's contract and what to do with a decoded event; `deadLetter` records an extra letter for an outcome the event itself caused (a webhook receiver that kept failing). */
export interface TopicHandler<T> {
  readonly contract: TypedContract<T>;
  readonly handle: (value: T, d: Delivery, deadLetter: (reason: string) => void) => Handled | Promise<Handled>;
  /** Called on a refused message (after it is queued for the dead-letter topic), e.g. to count it as read. */
  readonly refused?: (d: Delivery, reason: string) => void;
}

/** A topic's handler: `on(SALES_WEEK, (e, d) => ...)`. */
export function on<T>(contract: TypedContract<T>, handle: TopicHandler<T>['handle'], refused?: TopicHandler<T>['refused']): TopicHandler<T> {
  return refused ? { contract, handle, refused } : { contract, handle };
}

/** Topic name -> its handler. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each topic has its own event type; `on` checks each pair
export type TopicHandlers = Readonly<Record<string, TopicHandler<any>>>;

/** Whether a throw is refused input (a dead letter) rather than an outage (retried) or a bug (a crash). */
export function isRefusedInput(err: unknown): err is AppError {
  return err instanceof AppError && !err.retriable && err.code !== 'UNREACHABLE';
}

/** One message through the edge: the dead-letter reasons it leaves ([] when handled); throws an outage or a bug. */
export type DeliveryEdge = (d: Delivery) => Promise<readonly string[]>;

/** The edge for `handlers`, without the dead-letter topic (the sinks below send what it returns). */
export function deliveryEdge(codec: AvroCodec, handlers: TopicHandlers): DeliveryEdge {
  return async (d) => {
    const h = handlers[d.topic];
    if (!h) throw new Error(`no handler reads ${d.topic}`);
    const letters: string[] = [];
    try {
      const known = codec.decodeIfKnown(h.contract, d.value);
      const value: unknown = known === UNKNOWN_SCHEMA ? await codec.decode(h.contract, d.value) : known;
      const r = h.handle(value, d, (reason) => void letters.push(reason));
      const out = r instanceof Promise ? await r : r;
      if (isRefusal(out)) throw out.refusal;
    } catch (err) {
      if (!isRefusedInput(err)) throw err;
      const reason = messageOf(err);
      h.refused?.(d, reason);
      letters.push(reason);
    }
    return letters;
  };
}

export interface HandlerSinkDeps {
  codec: AvroCodec;
  /** The dead-letter producer of the consumer's group. */
  deadLetters: Pick<DeadLetters, 'sendAll'>;
}

/**
 * A BatchSink for lib/kafka/runner.ts: each delivery in order through the edge,
 * then the batch's dead letters in one send (acked by all replicas), and
 * only then does the runner commit. A batch retried after an outage may
 * run a handler twice for the same message: handlers must be idempotent
 * (the coordinator drops known request ids, the threshold fold re-sees
 * weeks, a webhook receiver dedupes on the body's id).
 */
export function handlerSink(deps: HandlerSinkDeps, handlers: TopicHandlers): BatchSink {
  const edge = deliveryEdge(deps.codec, handlers);
  return async (batch) => {
    const dead: { delivery: Delivery; reason: string }[] = [];
    for (const d of batch) for (const reason of await edge(d)) dead.push({ delivery: d, reason });
    if (dead.length > 0) await deps.deadLetters.sendAll(dead);
  };
}

/**
 * The same edge for a consumer that handles one message at a time (the
 * gateway's follower): a refused message is dead-lettered before the call
 * resolves; an outage or a bug is thrown to the follower's policy.
 */
export function messageHandler(deps: HandlerSinkDeps, handlers: TopicHandlers): (d: Delivery) => Promise<void> {
  const edge = deliveryEdge(deps.codec, handlers);
  return async (d) => {
    const letters = await edge(d);
    if (letters.length > 0) await deps.deadLetters.sendAll(letters.map((reason) => ({ delivery: d, reason })));
  };
}
