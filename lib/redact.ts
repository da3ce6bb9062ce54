/**
 * Redaction of secrets that travel inside URLs and messages. A Slack-style
 * webhook URL carries its secret in the path, others in the query or as
 * `user:pass@`; an error message can quote the URL it failed on. Anything
 * that reaches a log line, a dead-letter reason (served by the open
 * GET /v1/dead-letters) or an error body goes through here first.
 */
import { createHash } from 'node:crypto';

/**
 * A URL reduced to its scheme, host and port. When it had a user, a
 * password, a path, a query or a fragment, those are replaced by `/…#` and
 * the first 8 hex digits of the whole URL's SHA-256, so an operator can still
 * tell configured URLs apart (`printf %s "$URL" | sha256sum`) without the log
 * holding the secret. Text that does not parse as a URL becomes `[url]`.
 */
export function redactUrl(url: string): string {
  if (REDACTED.test(url)) return url; // already reduced: redacting twice must not change the fingerprint
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return '[url]';
  }
  const bare = !u.username && !u.password && (u.pathname === '/' || u.pathname === '') && !u.search && !u.hash;
  const origin = `${u.protocol}//${u.host}`;
  if (bare && !/@/.test(url)) return origin;
  return `${origin}/…#${createHash('sha256').update(url).digest('hex').slice(0, 8)}`;
}

// a URL in prose: punctuation right after it (`url: reason`, `url.`) is not part of it
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>()]*[^\s"'<>().,;:!?]/gi;
const REDACTED = /\/…#[0-9a-f]{8}$/;
const BEARER = /\b(bearer)\s+[A-Za-z0-9._~+/=-]+/gi;
const USERINFO = /\b[^\s:/@"']+:[^\s/@"']+@(?=[a-z0-9.-]+)/gi;

/** `text` with every URL in it reduced by redactUrl, bearer tokens and `user:pass@` removed (dead-letter reasons, error bodies). */
export function redactText(text: string): string {
  return text.replace(URL_IN_TEXT, (m) => redactUrl(m)).replace(BEARER, '$1 [redacted]').replace(USERINFO, '[credentials]@');
}

/**
 * The logger's pass over every line: credentials go (`user:pass@`, a URL's
 * query, bearer tokens) but paths stay, so `metrics at http://host/metrics`
 * still reads well. The one place a path is the secret, a webhook URL, is
 * reduced with redactUrl before it is logged.
 */
export function redactCredentials(text: string): string {
  return text
    .replace(URL_IN_TEXT, (m) => m.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@?#]*@/i, '$1[credentials]@').replace(/\?[^#]*/, '?…'))
    .replace(BEARER, '$1 [redacted]')
    .replace(USERINFO, '[credentials]@');
}
