import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRequire } from 'node:module';
import type { Delivery } from './delivery.js';
import { CommitFailed, isMembershipError, nextOffsets } from './commits.js';

const at = (topic: string, partition: number, offset: string): Delivery => ({ topic, partition, offset, key: null, value: null, timestamp: '0', headers: {} });

describe('nextOffsets', () => {
  it('commits the highest offset + 1 of each topic-partition, whatever the order', () => {
    const out = nextOffsets([at('s', 0, '9'), at('s', 1, '3'), at('s', 0, '10'), at('s', 0, '2'), at('t', 0, '99'), at('s', 1, '1')]);
    assert.deepEqual(
      [...out.values()],
      [
        { topic: 's', partition: 0, offset: '11' },
        { topic: 's', partition: 1, offset: '4' },
        { topic: 't', partition: 0, offset: '100' },
      ],
    );
  });

  it('is exact past 2^53', () => {
    const out = nextOffsets([at('s', 0, '9007199254740993'), at('s', 0, '9007199254740992')]);
    assert.equal(out.get('s/0')?.offset, '9007199254740994');
  });
});

describe('CommitFailed: which failed commits are held and retried', () => {
  // kafkajs's own error classes, so the flags and causes are the ones it throws
  type Ctor = new (e: unknown, o?: object) => Error & { retriable: boolean };
  type Name = 'KafkaJSNonRetriableError' | 'KafkaJSBrokerNotFound' | 'KafkaJSNumberOfRetriesExceeded' | 'KafkaJSConnectionError' | 'KafkaJSProtocolError';
  const { KafkaJSNonRetriableError, KafkaJSBrokerNotFound, KafkaJSNumberOfRetriesExceeded, KafkaJSConnectionError, KafkaJSProtocolError } = createRequire(import.meta.url)('kafkajs/src/errors') as Record<Name, Ctor>;

  it('retries what the lost coordinator threw before the fix: NonRetriable caused by BrokerNotFound', () => {
    const notFound = new KafkaJSBrokerNotFound('Broker 2 not found in the cached metadata');
    const thrown = new KafkaJSNonRetriableError(notFound, { cause: notFound });
    assert.equal(thrown.retriable, false, "kafkajs's flag on the outer error says no");
    assert.equal(new CommitFailed(thrown, false).retriable, true);
  });

  it('retries when kafkajs ran out of tries, and any commit while the consumer restarts', () => {
    const cause = new KafkaJSConnectionError('Not connected');
    assert.equal(new CommitFailed(new KafkaJSNumberOfRetriesExceeded(cause, { retryCount: 10, retryTime: 2000 }), false).retriable, true);
    const notInitialized = new KafkaJSNonRetriableError('Consumer group was not initialized, consumer#run must be called first');
    assert.equal(new CommitFailed(notInitialized, false).retriable, false, 'outside a restart it is a bug');
    assert.equal(new CommitFailed(notInitialized, true).retriable, true, 'during a restart it is the rejoin not done yet');
  });

  it('stops on a commit whose root cause is not retriable (a bad offset: a bug)', () => {
    const bad = new KafkaJSProtocolError({ type: 'OFFSET_METADATA_TOO_LARGE', code: 12, retriable: false, message: 'The metadata field of the offset request was too large' });
    assert.equal(new CommitFailed(bad, false).retriable, false);
  });

  it('keeps the type of a membership error, so the runner drops and awaits the rejoin', () => {
    const gone = new KafkaJSProtocolError({ type: 'UNKNOWN_MEMBER_ID', code: 25, retriable: false, message: 'The coordinator is not aware of this member' });
    assert.equal(isMembershipError(new CommitFailed(gone, false)), true);
  });
});
