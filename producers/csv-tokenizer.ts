/**
 * Incremental RFC 4180 tokenizer: text goes in chunk by chunk (a record may span
 * chunks), records come out with the physical line they start on, so a 400k-line
 * file never has to be in memory. Accepts CRLF, LF or CR-only line endings, a UTF-8
 * BOM, quoted fields with commas, doubled quotes and line breaks. A quote inside an
 * unquoted field is kept as text (spreadsheets write such files); text after a closing
 * quote or a quote left open at the end marks the record as malformed.
 */

/** A record of fields; `line` is the 1-based line it starts on; `error` says why it is malformed, else null. */
export interface CsvRecord {
  line: number;
  fields: string[];
  error: string | null;
}

const COMMA = 44;
const LF = 10;
const CR = 13;
const QUOTE = 34;
const BOM = 0xfeff;

const enum State {
  FieldStart,
  Unquoted,
  Quoted,
  /** a quote inside a quoted field: either the first of a doubled quote or the closing one */
  QuoteInQuoted,
  AfterQuote,
}

export class CsvTokenizer {
  private state = State.FieldStart;
  private field = '';
  private fields: string[] = [];
  private error: string | null = null;
  private line = 1;
  private recordLine = 1;
  private lastCr = false;
  private started = false;

  /** Feeds the next chunk; returns the records it completed. */
  push(chunk: string): CsvRecord[] {
    const out: CsvRecord[] = [];
    const n = chunk.length;
    let i = 0;
    if (!this.started && n > 0) {
      this.started = true;
      if (chunk.charCodeAt(0) === BOM) i = 1;
    }
    while (i < n) {
      if (this.state === State.Quoted) {
        i = this.inQuotes(chunk, i);
        continue;
      }
      if (this.state === State.QuoteInQuoted) {
        if (chunk.charCodeAt(i) === QUOTE) {
          this.field += '"';
          this.state = State.Quoted;
          i++;
          continue;
        }
        this.state = State.AfterQuote;
      }
      i = this.outsideQuotes(chunk, i, out);
    }
    return out;
  }

  /** Inside a quoted field: a run of plain text, a quote, or a line break kept in the field; returns where the next step starts. */
  private inQuotes(chunk: string, i: number): number {
    const n = chunk.length;
    const c = chunk.charCodeAt(i);
    let j = i;
    while (j < n) {
      const d = chunk.charCodeAt(j);
      if (d === QUOTE || d === CR || d === LF) break;
      j++;
    }
    if (j > i) {
      this.field += chunk.slice(i, j);
      this.lastCr = false;
      return j;
    }
    if (c === QUOTE) {
      this.state = State.QuoteInQuoted;
      this.lastCr = false;
    } else {
      this.field += c === CR ? '\r' : '\n';
      this.countNewline(c);
    }
    return i + 1;
  }

  /** Outside quotes: a comma, a line break (ending a record into `out`), an opening quote, or a run of unquoted text; returns where the next step starts. */
  private outsideQuotes(chunk: string, i: number, out: CsvRecord[]): number {
    const c = chunk.charCodeAt(i);
    if (c === COMMA) {
      this.endField();
      this.lastCr = false;
      return i + 1;
    }
    if (c === CR || c === LF) {
      // The LF of a CRLF ends an empty record, which endRecord drops like a blank line.
      this.countNewline(c);
      this.endRecord(out);
      return i + 1;
    }
    if (c === QUOTE && this.state === State.FieldStart) {
      this.state = State.Quoted;
      this.lastCr = false;
      return i + 1;
    }
    if (this.state === State.AfterQuote) this.error ??= `field ${this.fields.length + 1}: text after a closing quote`;
    else this.state = State.Unquoted;
    const n = chunk.length;
    let j = i + 1;
    while (j < n) {
      const d = chunk.charCodeAt(j);
      if (d === COMMA || d === CR || d === LF) break;
      j++;
    }
    this.field += chunk.slice(i, j);
    this.lastCr = false;
    return j;
  }

  /** Ends the input; returns the last record if the text did not end with a line break. */
  end(): CsvRecord[] {
    const out: CsvRecord[] = [];
    if (this.state === State.Quoted) this.error ??= `field ${this.fields.length + 1}: quoted field not closed before the end of the file`;
    if (this.state !== State.FieldStart || this.fields.length > 0) this.endRecord(out);
    return out;
  }

  private countNewline(c: number): void {
    if (c === CR) {
      this.line++;
      this.lastCr = true;
    } else {
      if (!this.lastCr) this.line++;
      this.lastCr = false;
    }
  }

  private endField(): void {
    this.fields.push(this.field);
    this.field = '';
    this.state = State.FieldStart;
  }

  private endRecord(out: CsvRecord[]): void {
    const blank = this.fields.length === 0 && this.state === State.FieldStart;
    if (!blank) {
      this.endField();
      out.push({ line: this.recordLine, fields: this.fields, error: this.error });
    }
    this.fields = [];
    this.error = null;
    this.recordLine = this.line;
  }
}

/** All records of a whole text (tests, small side files). */
export function tokenizeCsv(text: string): CsvRecord[] {
  const t = new CsvTokenizer();
  return [...t.push(text), ...t.end()];
}
