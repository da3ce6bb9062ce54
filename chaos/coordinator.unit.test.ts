/**
 * The group-to-partition hash the broker-loss scenario uses to find the
 * coordinator it stops. Expected values are Java's, worked by hand or
 * well known: "abc" = 97*31^2 + 98*31 + 99; "polygenelubricants" hashes to
 * Integer.MIN_VALUE, which Kafka's Utils.abs maps to 0.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { javaStringHash, offsetsPartitionOf } from './coordinator.js';

describe('group coordinator partition', () => {
  it("hashes as Java's String.hashCode, wrapping at 32 bits", () => {
    assert.equal(javaStringHash(''), 0);
    assert.equal(javaStringHash('a'), 97);
    assert.equal(javaStringHash('abc'), 96354);
    assert.equal(javaStringHash('Hello World'), -862545276);
    assert.equal(javaStringHash('polygenelubricants'), -2147483648);
  });

  it('takes the absolute value, then the remainder by the partition count', () => {
    assert.equal(offsetsPartitionOf('abc', 10), 4); // 96354 % 10
    assert.equal(offsetsPartitionOf('abc', 50), 4); // 96354 = 1927*50 + 4
    assert.equal(offsetsPartitionOf('Hello World', 10), 6); // |-862545276| % 10
    assert.equal(offsetsPartitionOf('Hello World', 7), 5); // 862545276 = 7*123220753 + 5
  });

  it('maps -2^31 to partition 0 as Kafka does (Math.abs would give 2^31, partition 8 of 10)', () => {
    assert.equal(offsetsPartitionOf('polygenelubricants', 10), 0);
  });

  it('refuses a partition count that is not a positive integer', () => {
    assert.throws(() => offsetsPartitionOf('abc', 0), /partitions: expected a positive integer, got 0/);
  });
});
