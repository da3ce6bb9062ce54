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

  it('neutralises text cells that a spreadsheet would run as a formula, never numbers', () => {
    assert.equal(csvField('=HYPERLINK("http://x","y")'), `"'=HYPERLINK(""http://x"",""y"")"`);
    assert.equal(csvField('+1+2'), "'+1+2");
    assert.equal(csvField('-2+3'), "'-2+3");
    assert.equal(csvField('@SUM(A1)'), "'@SUM(A1)");
    assert.equal(csvField('\t=1'), "'\t=1");
    assert.equal(csvField('\r=1'), `"'\r=1"`);
    // numbers and plain-number text are cells of their own: a negative sale stays -1234.5
    assert.equal(csvField(-1234.5), '-1234.5');
    assert.equal(csvField('-1234.5'), '-1234.5');
    assert.equal(csvField('+3e-2'), '+3e-2');
    assert.equal(csvField('a=b'), 'a=b', 'only the first character counts');
    assert.equal(toCsv(['key'], [['=1+1'], [-2]]), "key\r\n'=1+1\r\n-2\r\n");
  });

  it('joins a header and rows with CRLF after every line', () => {
    const text = toCsv(['id', 'reason', 'n'], [['a', 'week: expected "2011-08-19", got 2011-08-18', 2], ['b', null, 1.5]]);
    assert.equal(text, 'id,reason,n\r\na,"week: expected ""2011-08-19"", got 2011-08-18",2\r\nb,,1.5\r\n');
  });
});
