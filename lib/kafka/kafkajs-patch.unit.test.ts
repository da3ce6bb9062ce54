/**
 * The consumer half of patches/kafkajs+2.2.4.patch: record offsets and
 * timestamps are summed in plain numbers while they are safe integers, and
 * the fetch filter compares numbers. These tests encode record batches with
 * kafkajs's own encoder and check the decoded values digit for digit, on
 * both sides of 2^53 (where the patch falls back to kafkajs's Long).
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';

const require = createRequire(import.meta.url);
type Long = { toString(): string };
const Long = require('kafkajs/src/utils/long') as { fromValue(v: string | number): Long };
const Decoder = require('kafkajs/src/protocol/decoder') as new (b: Buffer) => unknown;
const { RecordBatch: encodeBatch } = require('kafkajs/src/protocol/recordBatch/v0') as { RecordBatch: (o: object) => Promise<{ buffer: Buffer }> };
const encodeRecord = require('kafkajs/src/protocol/recordBatch/record/v0') as (o: object) => unknown;
const decodeBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder') as (d: unknown) => Promise<{ records: { offset: string; timestamp: string; key: Buffer; value: Buffer; headers: Record<string, Buffer> }[] }>;
const Batch = require('kafkajs/src/consumer/batch') as new (topic: string, fetchedOffset: string, data: object) => { messages: { offset: string }[] };

/** Four records at firstOffset + 0..3, timestamps firstTimestamp + 0, 5, 10, 15; the third carries a header. */
async function roundTrip(firstOffset: string, firstTimestamp: string) {
  const records = [0, 1, 2, 3].map((i) =>
    encodeRecord({ offsetDelta: i, timestampDelta: Long.fromValue(i * 5), key: Buffer.from(`k${i}`), value: Buffer.from(`v${i}`), headers: i === 2 ? { h: Buffer.from('x') } : {} }),
  );
  const { buffer } = await encodeBatch({ firstOffset: Long.fromValue(firstOffset), firstTimestamp: Long.fromValue(firstTimestamp), maxTimestamp: Long.fromValue(firstTimestamp), lastOffsetDelta: 3, records });
  return (await decodeBatch(new Decoder(buffer))).records;
}

describe('kafkajs patch: record decoding', () => {
  it('adds the deltas exactly below 2^53, and decodes keys, values and headers', async () => {
    const r = await roundTrip('41', '1764547200000');
    assert.deepEqual(r.map((x) => x.offset), ['41', '42', '43', '44']);
    assert.deepEqual(r.map((x) => x.timestamp), ['1764547200000', '1764547200005', '1764547200010', '1764547200015']);
    assert.deepEqual(r.map((x) => `${x.key}=${x.value}`), ['k0=v0', 'k1=v1', 'k2=v2', 'k3=v3']);
    assert.deepEqual(r.map((x) => Object.keys(x.headers)), [[], [], ['h'], []]);
    assert.equal(r[2]!.headers.h!.toString(), 'x');
  });

  it('stays exact across 2^53 (9007199254740992), where numbers would round', async () => {
    const r = await roundTrip('9007199254740990', '9007199254740991');
    assert.deepEqual(r.map((x) => x.offset), ['9007199254740990', '9007199254740991', '9007199254740992', '9007199254740993']);
    assert.deepEqual(r.map((x) => x.timestamp), ['9007199254740991', '9007199254740996', '9007199254741001', '9007199254741006']);
  });
});

describe('kafkajs patch: fetch filter', () => {
  const messages = (offsets: string[]) => ({ partition: 0, highWatermark: '0', abortedTransactions: [], messages: offsets.map((offset) => ({ offset, isControlRecord: false })) });

  it('drops the messages before the fetched offset', () => {
    assert.deepEqual(new Batch('t', '10', messages(['8', '9', '10', '11'])).messages.map((m) => m.offset), ['10', '11']);
  });

  it('compares exactly past 2^53', () => {
    const b = new Batch('t', '9007199254740993', messages(['9007199254740992', '9007199254740993', '9007199254740994']));
    assert.deepEqual(b.messages.map((m) => m.offset), ['9007199254740993', '9007199254740994']);
  });
});

/**
 * The heartbeat half of the patch: a coordinator that cannot be reached is
 * reported as one that moved (NOT_COORDINATOR_FOR_GROUP), which kafkajs's
 * runner answers with a rejoin that finds the new coordinator, instead of
 * retrying the old one until the consumer crashes (the broker-loss stall).
 */
describe('kafkajs patch: heartbeat to a lost coordinator', () => {
  const ConsumerGroup = require('kafkajs/src/consumer/consumerGroup') as new (o: object) => { memberId: string; generationId: number; coordinator: unknown; heartbeat(o: { interval: number }): Promise<void> };
  const errors = require('kafkajs/src/errors') as Record<string, new (m: string, o?: object) => Error> & { isRebalancing(e: unknown): boolean };
  const logger = { namespace: () => logger, info() {}, warn() {}, error() {}, debug() {} };

  /** A joined group whose coordinator (node 2) answers a heartbeat with `fail`. */
  function groupWhoseHeartbeatFails(fail: Error) {
    const g = new ConsumerGroup({ logger, groupId: 'g', topics: [], retry: { retries: 0 }, instrumentationEmitter: { emit() {} } });
    g.memberId = 'm';
    g.generationId = 1;
    g.coordinator = { nodeId: 2, heartbeat: () => Promise.reject(fail) };
    return g;
  }

  for (const [name, make] of [
    ['not connected', () => new errors.KafkaJSConnectionError!('Not connected', { broker: '127.0.0.1:27502' })],
    ['connection closed', () => new errors.KafkaJSConnectionClosedError!('Closed connection', { host: '127.0.0.1', port: 27502 })],
    ['no answer in time', () => new errors.KafkaJSRequestTimeoutError!('Request Heartbeat(key: 12, version: 3) timed out', { broker: '127.0.0.1:27502' })],
  ] as const) {
    it(`reports "${name}" as the coordinator moved, so the runner rejoins`, async () => {
      const cause = make();
      const err = (await groupWhoseHeartbeatFails(cause).heartbeat({ interval: 0 }).then(() => null, (e: unknown) => e)) as { type: string; retriable: boolean; cause: unknown; message: string };
      assert.equal(err.type, 'NOT_COORDINATOR_FOR_GROUP');
      assert.equal(errors.isRebalancing(err), true, "kafkajs's runner rejoins on it");
      assert.equal(err.cause, cause);
      assert.match(err.message, /group coordinator 2 is unreachable/);
    });
  }

  it('passes any other heartbeat error through unchanged (a rebalance stays a rebalance)', async () => {
    const rebalance = new (errors.KafkaJSProtocolError as unknown as new (e: object) => Error)({ type: 'REBALANCE_IN_PROGRESS', code: 27, retriable: false, message: 'The group is rebalancing' });
    const err = await groupWhoseHeartbeatFails(rebalance).heartbeat({ interval: 0 }).then(() => null, (e: unknown) => e);
    assert.equal(err, rebalance);
  });
});
