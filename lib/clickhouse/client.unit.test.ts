import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError, DependencyError } from '../errors.js';
import { classifyInsertError, clickhouseCode, RowsRefusedError } from './client.js';

const chErr = (message: string, code?: string) => Object.assign(new Error(message), code === undefined ? {} : { code });

test('the ClickHouse code comes from the client field, else from the server text', () => {
  assert.equal(clickhouseCode(chErr('whatever', '252')), 252);
  assert.equal(clickhouseCode(chErr('Code: 27, e.displayText() = DB::Exception: Cannot parse input')), 27);
  assert.equal(clickhouseCode(chErr('connect ECONNREFUSED 127.0.0.1:18123', 'ECONNREFUSED')), null);
});

test('refused data is RowsRefusedError (never retried), naming the table', () => {
  const e = classifyInsertError('db.t', chErr('Code: 27, e.displayText() = DB::Exception: Cannot parse input: expected , before: abc'));
  assert.ok(e instanceof RowsRefusedError);
  assert.equal(e.retriable, false);
  assert.match(e.message, /^db\.t refused the rows: Code: 27/);
  assert.ok(classifyInsertError('db.t', chErr('type mismatch', '53')) instanceof RowsRefusedError);
});

test('a lost connection, a timeout, too many parts or a shard down (synchronous Distributed insert) is a retriable dependency error', () => {
  for (const err of [chErr('connect ECONNREFUSED 127.0.0.1:18123', 'ECONNREFUSED'), chErr('socket hang up', 'ECONNRESET'), chErr('Timeout error.'), chErr('Code: 252, Too many parts (300)'), chErr('Code: 279, e.displayText() = DB::NetException: All connection tries failed.')]) {
    const e = classifyInsertError('db.t', err);
    assert.ok(e instanceof DependencyError, err.message);
    assert.equal(e.retriable, true, err.message);
  }
});

test('anything else (a missing table, a bad query) is not retriable and not a refusal: the consumer stops loudly', () => {
  const e = classifyInsertError('db.t', chErr("Code: 60, e.displayText() = DB::Exception: Table db.t doesn't exist"));
  assert.ok(e instanceof AppError);
  assert.ok(!(e instanceof RowsRefusedError) && !(e instanceof DependencyError));
  assert.equal(e.retriable, false);
  assert.match(e.message, /code 60/);
});
