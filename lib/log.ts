/**
 * Structured logs for every process: pino, one JSON object per line on
 * stderr with the same fields everywhere (`time`, `level`, `service`,
 * `component`, `msg`, plus the entry's own fields), ready for Loki or any
 * log shipper. `LOG_FORMAT=text` prints the same entries as readable lines
 * for a terminal. Written synchronously, so a line logged just before
 * `process.exit` is never lost.
 */
import { basename } from 'node:path';
import pino from 'pino';
import { redactCredentials } from './redact.js';

export type Level = 'debug' | 'info' | 'warn' | 'error';
export type LogFormat = 'json' | 'text';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(name: string): Logger;
}

let threshold: Level = 'info';
let format: LogFormat = 'json';
/** The process's name in every entry: the entry script's folder and file (e.g. `materializer/main`), as the process was started. */
const service = (process.argv[1] ? `${basename(process.argv[1].replace(/\/[^/]*$/, ''))}/${basename(process.argv[1]).replace(/\.[tj]s$/, '')}` : 'node');
const root = pino({ base: { service }, level: 'debug', timestamp: pino.stdTimeFunctions.isoTime, formatters: { level: (label) => ({ level: label }) } }, pino.destination({ fd: 2, sync: true }));

/** Sets the minimum level (and the format) for every logger: from config, once, in main. */
export function setLogLevel(level: Level, fmt?: LogFormat): void {
  threshold = level;
  if (fmt) format = fmt;
}

function text(level: Level, name: string, msg: string, fields?: Record<string, unknown>): void {
  const extra = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
  process.stderr.write(`${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} [${name}] ${msg}${extra}\n`);
}

/** Top-level string fields redacted like the message (errors' texts and URLs travel there too). */
function redactFields(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) out[k] = typeof v === 'string' ? redactCredentials(v) : v;
  return out;
}

/** A logger for one component (`component` field; `[name]` in text format). */
export function createLogger(name: string): Logger {
  const p = root.child({ component: name });
  const write = (level: Level, raw: string, rawFields?: Record<string, unknown>) => {
    if (ORDER[level] < ORDER[threshold]) return;
    // a message may quote credentials (user:pass@, a token in a query or header): they never reach the log
    const msg = redactCredentials(raw);
    const fields = rawFields && redactFields(rawFields);
    if (format === 'text') return text(level, name, msg, fields);
    if (fields) p[level](fields, msg);
    else p[level](msg);
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (sub) => createLogger(`${name}:${sub}`),
  };
}

/** One HTTP request, as the access log records it. */
export interface AccessEntry {
  method: string;
  path: string;
  route: string;
  status: number;
  ms: number;
  bytes: number | null;
}

/**
 * The HTTP access log: one entry per request (component `access`), through
 * a buffered asynchronous destination so it costs the hot path a few
 * microseconds; entries still buffered when the process is killed are lost,
 * which an access log can afford.
 */
export function createAccessLogger(): (e: AccessEntry) => void {
  // sonic-boom requires minLength below its maxWrite (16 KiB)
  const dest = pino.destination({ fd: 2, sync: false, minLength: 8 * 1024 });
  process.once('exit', () => dest.flushSync());
  const p = pino({ base: { service, component: 'access' }, level: 'info', timestamp: pino.stdTimeFunctions.isoTime, formatters: { level: (label) => ({ level: label }) } }, dest);
  return (e) => {
    if (ORDER.info < ORDER[threshold]) return;
    if (format === 'text') return text('info', 'access', `${e.method} ${e.path} ${e.status} ${e.ms.toFixed(1)} ms`);
    p.info(e, 'request');
  };
}
