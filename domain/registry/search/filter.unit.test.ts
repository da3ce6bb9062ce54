import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '../../../lib/errors.js';
import { MAX_COMPARISONS, parseFilter } from './filter.js';
import { parseOrder } from './order.js';

/** The ValidationError a parse throws: its field and what it expected. */
function refusal(fn: () => unknown): { field: string; expected: string; got: unknown } {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ValidationError, String(err));
    return { field: err.field, expected: err.expected, got: err.got };
  }
  assert.fail('expected a ValidationError');
}

describe('run search filter grammar', () => {
  it('parses comparisons joined by AND, in any case, with or without spaces', () => {
    assert.deepEqual(parseFilter("metrics.wape < 0.12 and tags.team = 'x'"), [
      { scope: 'metrics', key: 'wape', op: '<', value: { type: 'number', value: 0.12 } },
      { scope: 'tags', key: 'team', op: '=', value: { type: 'string', value: 'x' } },
    ]);
    assert.deepEqual(parseFilter('params.eta>=-1e-2 AND attributes.version!=3'), [
      { scope: 'params', key: 'eta', op: '>=', value: { type: 'number', value: -0.01 } },
      { scope: 'attributes', key: 'version', op: '!=', value: { type: 'number', value: 3 } },
    ]);
    assert.deepEqual(parseFilter('metric.seasonalNaive.wape <= .5 AnD tag.a:b-c = "q"'), [
      { scope: 'metrics', key: 'seasonalNaive.wape', op: '<=', value: { type: 'number', value: 0.5 } },
      { scope: 'tags', key: 'a:b-c', op: '=', value: { type: 'string', value: 'q' } },
    ]);
    assert.deepEqual(parseFilter('  '), []);
  });

  it('quoted texts: either quote, backslash escapes, SQL characters kept as plain text', () => {
    assert.deepEqual(parseFilter("tags.note = 'it\\'s'")[0]!.value, { type: 'string', value: "it's" });
    assert.deepEqual(parseFilter('tags.note = "say \\"hi\\" \\\\ ok"')[0]!.value, { type: 'string', value: 'say "hi" \\ ok' });
    // two quotes end the text and open another: a second value where AND belongs
    assert.match(refusal(() => parseFilter("tags.t = 'x'' OR 1=1 --'")).expected, /^AND between comparisons at character 13 /);
  });

  it('refuses what is outside the grammar, naming filter, the position and what was expected', () => {
    assert.deepEqual(refusal(() => parseFilter('metrics.wape < 0.1; DROP TABLE x')), {
      field: 'filter',
      expected: "a field, a comparison, a number, a quoted text or AND at character 19",
      got: ';',
    });
    assert.match(refusal(() => parseFilter("tags.team = 'x' OR 1=1")).expected, /^AND between comparisons at character 17 /);
    assert.equal(refusal(() => parseFilter("tags.team = 'x' OR 1=1")).got, 'OR');
    assert.match(refusal(() => parseFilter('metrics.wape 0.1')).expected, /^a comparison \(=, !=, <, <=, >, >=\) after metrics.wape at character 14 /);
    assert.match(refusal(() => parseFilter('metrics.wape <')).expected, /^a number or a quoted text after metrics.wape < at the end /);
    assert.match(refusal(() => parseFilter('wape < 1')).expected, /^a field: metrics.<key>/);
    assert.match(refusal(() => parseFilter('secrets.x = 1')).expected, /^a field: metrics.<key>/);
    assert.match(refusal(() => parseFilter('attributes.password = 1')).expected, /^an attribute \(version, run_id/);
    assert.match(refusal(() => parseFilter("tags.team = 'x")).expected, /^a closing ' for the text opened at character 13/);
    assert.match(refusal(() => parseFilter('metrics.wape < 1e999')).expected, /^a finite number at character 16/);
    assert.match(refusal(() => parseFilter('metrics.wape < 12abc')).expected, /^a finite number/);
    assert.match(refusal(() => parseFilter('metrics.wape < 1 AND')).expected, /^a field: .* at the end/);
    assert.equal(refusal(() => parseFilter('metrics.wape < 0.1 --')).expected, 'a field, a comparison, a number, a quoted text or AND at character 20');
    assert.deepEqual(refusal(() => parseFilter('metrics.wape) OR (1 < 2')), { field: 'filter', expected: 'a field, a comparison, a number, a quoted text or AND at character 13', got: ')' });
    assert.match(refusal(() => parseFilter(`tags.${'k'.repeat(65)} = 'x'`)).expected, /^a key of 1..64/);
  });

  it('types: metrics take numbers, attributes their own type; params and tags either', () => {
    assert.match(refusal(() => parseFilter("metrics.wape < '0.1'")).expected, /^a number to compare metrics.wape with, at character 16/);
    assert.match(refusal(() => parseFilter("attributes.version = '3'")).expected, /^a number to compare attributes.version/);
    assert.match(refusal(() => parseFilter('attributes.stage = 1')).expected, /^a quoted text to compare attributes.stage/);
    assert.equal(parseFilter("params.eta = '0.1' and params.eta = 0.1 and tags.n = 1").length, 3);
  });

  it('bounds: length and number of comparisons', () => {
    assert.equal(refusal(() => parseFilter('x'.repeat(1001))).expected, 'at most 1000 characters');
    const many = Array.from({ length: MAX_COMPARISONS + 1 }, (_, i) => `metrics.m${i} > 0`).join(' and ');
    assert.equal(refusal(() => parseFilter(many)).expected, `at most ${MAX_COMPARISONS} comparisons`);
    assert.equal(parseFilter(Array.from({ length: MAX_COMPARISONS }, (_, i) => `metrics.m${i} > 0`).join(' and ')).length, MAX_COMPARISONS);
  });
});

describe('run search order_by', () => {
  it('fields with an optional direction, ASC by default, bare names are attributes', () => {
    assert.deepEqual(parseOrder('metrics.wape DESC, trained_at'), [
      { scope: 'metrics', key: 'wape', desc: true },
      { scope: 'attributes', key: 'trained_at', desc: false },
    ]);
    assert.deepEqual(parseOrder('tags.team asc'), [{ scope: 'tags', key: 'team', desc: false }]);
    assert.deepEqual(parseOrder(''), []);
  });

  it('refuses anything else naming order_by', () => {
    assert.deepEqual(refusal(() => parseOrder('metrics.wape; DROP TABLE x')).field, 'order_by');
    assert.match(refusal(() => parseOrder('metrics.wape DESC LIMIT')).expected, /^a field optionally followed by ASC or DESC/);
    assert.match(refusal(() => parseOrder('metrics.wape sideways')).expected, /^a field optionally followed by ASC or DESC/);
    assert.match(refusal(() => parseOrder('password')).expected, /^an attribute/);
    assert.match(refusal(() => parseOrder('a,b,c,d')).expected, /^at most 3 fields/);
    assert.match(refusal(() => parseOrder('metrics.wa pe')).expected, /^a field optionally/);
  });
});
