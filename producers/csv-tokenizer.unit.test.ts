import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CsvTokenizer, tokenizeCsv, type CsvRecord } from './csv-tokenizer.js';

const rows = (recs: CsvRecord[]) => recs.map((r) => [r.line, ...r.fields]);

describe('csv tokenizer', () => {
  it('splits LF, CRLF and CR-only lines alike, with the same line numbers', () => {
    const expected = [[1, 'a', 'b'], [2, '1', '2'], [4, '3', '4']]; // line 3 is blank and skipped
    for (const eol of ['\n', '\r\n', '\r']) {
      assert.deepEqual(rows(tokenizeCsv(['a,b', '1,2', '', '3,4', ''].join(eol))), expected, JSON.stringify(eol));
    }
  });

  it('strips a UTF-8 BOM and keeps the last line without a line break', () => {
    assert.deepEqual(rows(tokenizeCsv('\uFEFFa,b\n1,2')), [[1, 'a', 'b'], [2, '1', '2']]);
  });

  it('reads quoted commas, doubled quotes, empty fields and line breaks inside quotes', () => {
    const text = 'x,"a, b","say ""hi""",,""\r\n"two\r\nlines",y\nz,"3\n4"\n';
    assert.deepEqual(rows(tokenizeCsv(text)), [
      [1, 'x', 'a, b', 'say "hi"', '', ''],
      [2, 'two\r\nlines', 'y'],
      [4, 'z', '3\n4'],
    ]);
  });

  it('keeps a stray quote inside an unquoted field as text', () => {
    assert.deepEqual(tokenizeCsv('5" screen,1\n')[0]?.fields, ['5" screen', '1']);
  });

  it('marks text after a closing quote and an unclosed quote as malformed', () => {
    const recs = tokenizeCsv('1,"12"3,x\n2,"open\n3,4\n');
    assert.equal(recs[0]?.error, 'field 2: text after a closing quote');
    assert.deepEqual(recs[0]?.fields, ['1', '123', 'x']);
    assert.equal(recs.length, 2);
    assert.equal(recs[1]?.line, 2);
    assert.match(recs[1]?.error ?? '', /quoted field not closed/);
  });

  it('gives the same records whatever the chunk boundaries', () => {
    const text = '\uFEFFh1,h2\r\n"q,1","a""b"\r\n\r\nc,"x\r\ny"\rlast,"\n"';
    const whole = tokenizeCsv(text);
    assert.equal(whole.length, 4);
    for (let cut = 0; cut <= text.length; cut++) {
      for (const size of [1, 2, 3]) {
        const t = new CsvTokenizer();
        const parts = [text.slice(0, cut), ...chunks(text.slice(cut), size)];
        const got = [...parts.flatMap((p) => t.push(p)), ...t.end()];
        assert.deepEqual(got, whole, `cut ${cut} size ${size}`);
      }
    }
  });
});

function chunks(s: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.length; i += size) out.push(s.slice(i, i + size));
  return out;
}
