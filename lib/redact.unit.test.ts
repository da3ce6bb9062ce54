import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { redactCredentials, redactText, redactUrl } from './redact.js';

const fp = (url: string) => createHash('sha256').update(url).digest('hex').slice(0, 8);

describe('redaction of URLs and credentials', () => {
  it('keeps scheme, host and port; replaces a path, query or user by a fingerprint', () => {
    const slack = 'https://hooks.slack.com/services/T000/B000/XXXXSECRET';
    assert.equal(redactUrl(slack), `https://hooks.slack.com/…#${fp(slack)}`);
    const basic = 'http://alice:s3cret@hooks.example:8080/';
    assert.equal(redactUrl(basic), `http://hooks.example:8080/…#${fp(basic)}`);
    const query = 'https://x.example/hook?token=abc';
    assert.equal(redactUrl(query), `https://x.example/…#${fp(query)}`);
    assert.ok(!redactUrl(slack).includes('SECRET') && !redactUrl(basic).includes('s3cret') && !redactUrl(query).includes('abc'));
  });

  it('leaves a bare origin as it is, and refuses to echo what is not a URL', () => {
    assert.equal(redactUrl('http://127.0.0.1:18081'), 'http://127.0.0.1:18081');
    assert.equal(redactUrl('http://127.0.0.1:18081/'), 'http://127.0.0.1:18081');
    assert.equal(redactUrl('not a url with secret'), '[url]');
  });

  it('finds URLs, bearer tokens and user:pass@ inside messages', () => {
    const msg = 'request to https://hooks.slack.com/services/T/B/SECRET failed, reason: connect ECONNREFUSED';
    assert.equal(redactText(msg), `request to https://hooks.slack.com/…#${fp('https://hooks.slack.com/services/T/B/SECRET')} failed, reason: connect ECONNREFUSED`);
    const once = redactText('webhook https://h.example/s/T/SECRET: HTTP 500');
    assert.equal(once, `webhook https://h.example/…#${fp('https://h.example/s/T/SECRET')}: HTTP 500`, 'the colon after a URL is not part of it');
    assert.equal(redactText(once), once, 'redacting twice changes nothing');
    assert.equal(redactText('sent Authorization: Bearer abc.def-123'), 'sent Authorization: Bearer [redacted]');
    assert.equal(redactText('connect to bob:hunter2@db.internal:5432 refused'), 'connect to [credentials]@db.internal:5432 refused');
    assert.equal(redactText('week: expected a date, got 2011-02-30'), 'week: expected a date, got 2011-02-30', 'ordinary text untouched');
  });

  it('the log pass drops credentials and queries but keeps paths', () => {
    assert.equal(redactCredentials('metrics at http://127.0.0.1:9464/metrics'), 'metrics at http://127.0.0.1:9464/metrics');
    assert.equal(redactCredentials('GET https://u:p@x.example/a/b?key=1 failed'), 'GET https://[credentials]@x.example/a/b?… failed');
    assert.equal(redactCredentials('header Bearer tok123'), 'header Bearer [redacted]');
  });
});
