import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { csvField, toCsv } from './csv.js';

describe('dashboard CSV', () => {
  it('leaves plain fields alone and writes numbers in full precision', () => {
    assert.equal(csvField('v12'), 'v12');
    assert.equal(csvField(0.087312345), '0.087312345');
    assert.equal(csvField(-3), '-3');
    assert.equal(csvField(true), 'true');
  });

  it('writes null, undefined and non-finite numbers as empty fields', () => {
    assert.deepEqual([null, undefined, Number.NaN, Number.POSITIVE_INFINITY].map(csvField), ['', '', '', '']);
  });

  it('quotes commas, quotes, line breaks and surrounding spaces, doubling inner quotes', () => {
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('line1\nline2'), '"line1\nline2"');
    assert.equal(csvField('cr\rhere'), '"cr\rhere"');
    assert.equal(csvField(' padded'), '" padded"');
    assert.equal(csvField('trailing '), '"trailing "');
  });

  it('joins a header and rows with CRLF after every line', () => {
    const text = toCsv(['id', 'reason', 'n'], [['a', 'week: expected "2011-08-19", got 2011-08-18', 2], ['b', null, 1.5]]);
    assert.equal(text, 'id,reason,n\r\na,"week: expected ""2011-08-19"", got 2011-08-18",2\r\nb,,1.5\r\n');
  });
});
