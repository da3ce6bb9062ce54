/**
 * The consumer edge's classification, with a stand-in codec (the bytes are
 * JSON): refused input becomes dead-letter reasons, an outage and a bug are
 * thrown (the runner retries the one and stops on the other).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AvroCodec, TypedContract } from '../avro/codec.js';
import { FieldReader } from '../avro/fields.js';
import { AppError, DependencyError, ValidationError } from '../errors.js';
import { assertNever, refuse } from '../../domain/decider.js';
import type { Delivery } from '../kafka/delivery.js';
import { deliveryEdge, handlerSink, isRefusedInput, on } from './handler-sink.js';

const read = <T>(c: TypedContract<T>, b: Buffer | null) => c.validate(JSON.parse(b!.toString()));
const codec = { decode: async <T>(c: TypedContract<T>, b: Buffer | null) => read(c, b), decodeIfKnown: read } as unknown as AvroCodec;
const NOTE: TypedContract<{ n: number }> = { name: 'seriesNoted' as TypedContract<unknown>['name'], validate: (v) => ({ n: new FieldReader('Note', v).int('n', 0, 100) }) };
const msg = (n: unknown, offset = '0', topic = 't'): Delivery => ({ topic, partition: 0, offset, key: null, value: Buffer.from(JSON.stringify({ n })), timestamp: '0', headers: {} });

describe('handler sink: the consumer edge', () => {
  it('decodes with the contract and hands the value and the delivery to the topic\'s handler', async () => {
    const seen: [number, string][] = [];
    const edge = deliveryEdge(codec, { t: on(NOTE, (e, d) => void seen.push([e.n, d.offset])) });
    assert.deepEqual(await edge(msg(7, '3')), []);
    assert.deepEqual(seen, [[7, '3']]);
  });

  it('refused input is a dead-letter reason, whether the contract, a thrown ValidationError or a returned Refusal refused it', async () => {
    const refusedAt: string[] = [];
    const edge = deliveryEdge(codec, {
      t: on(
        NOTE,
        (e) => {
          if (e.n === 13) throw new ValidationError('n', 'not 13', 13);
          if (e.n === 14) return refuse(new ValidationError('n', 'not 14', 14));
        },
        (d, reason) => void refusedAt.push(`${d.offset}: ${reason}`),
      ),
    });
    assert.deepEqual(await edge(msg(500, '1')), ['Note.n: expected an integer from 0 to 100, got 500']);
    assert.deepEqual(await edge(msg(13, '2')), ['n: expected not 13, got 13']);
    assert.deepEqual(await edge(msg(14, '3')), ['n: expected not 14, got 14']);
    assert.deepEqual(refusedAt, ['1: Note.n: expected an integer from 0 to 100, got 500', '2: n: expected not 13, got 13', '3: n: expected not 14, got 14']);
  });

  it('a dependency down is thrown (retried by the runner), never a dead letter', async () => {
    const edge = deliveryEdge(codec, { t: on(NOTE, () => { throw new DependencyError('schema registry', 'connect ECONNREFUSED'); }) });
    await assert.rejects(edge(msg(1)), (e: unknown) => e instanceof DependencyError && e.retriable);
  });

  it('a bug is thrown with its stack (the runner stops): a TypeError, an AppError UNREACHABLE, a topic with no handler', async () => {
    const edge = deliveryEdge(codec, {
      t: on(NOTE, (e) => {
        if (e.n === 1) return (null as unknown as { x: number }).x as unknown as void;
        return assertNever(e as never, 'note');
      }),
    });
    await assert.rejects(edge(msg(1)), (e: unknown) => e instanceof TypeError && /handler-sink\.unit\.test/.test(e.stack ?? ''));
    await assert.rejects(edge(msg(2)), (e: unknown) => e instanceof AppError && e.code === 'UNREACHABLE');
    await assert.rejects(edge(msg(1, '0', 'other')), /no handler reads other/);
    assert.equal(isRefusedInput(new AppError('UNREACHABLE', 'x')), false);
    assert.equal(isRefusedInput(new ValidationError('x', 'y')), true);
    assert.equal(isRefusedInput(new DependencyError('kafka', 'down')), false);
  });

  it('the sink sends a batch\'s dead letters in one send after every message was handled, extra letters included', async () => {
    const sends: { offset: string; reason: string }[][] = [];
    const handled: number[] = [];
    const sink = handlerSink(
      { codec, deadLetters: { sendAll: async (l) => void sends.push(l.map((x) => ({ offset: x.delivery.offset, reason: x.reason }))) } },
      { t: on(NOTE, (e, _d, deadLetter) => { handled.push(e.n); if (e.n === 9) deadLetter('receiver down after 3 attempts'); }) },
    );
    await sink([msg(1, '0'), msg(-1, '1'), msg(9, '2'), msg(2, '3')]);
    assert.deepEqual(handled, [1, 9, 2]);
    assert.deepEqual(sends, [[{ offset: '1', reason: 'Note.n: expected an integer from 0 to 100, got -1' }, { offset: '2', reason: 'receiver down after 3 attempts' }]]);
    await sink([msg(3, '4')]);
    assert.equal(sends.length, 1, 'no send for a batch without dead letters');
  });
});
