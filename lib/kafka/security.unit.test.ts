import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../config.js';
import { kafkaSecurityOptions, parseKafkaSecurity, KafkaSecurityEnv } from './security.js';

const dir = mkdtempSync(join(tmpdir(), 'kafka-security-'));
const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
writeFileSync(join(dir, 'ca.pem'), CA);
writeFileSync(join(dir, 'not-pem.txt'), 'hello');
const parse = (env: Record<string, string>) => parseKafkaSecurity(KafkaSecurityEnv.parse(env), dir);

describe('Kafka TLS and SASL settings', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('is plaintext without any setting: no ssl, no sasl option', () => {
    const s = parse({});
    assert.deepEqual(s, { protocol: 'PLAINTEXT', tls: null, sasl: null });
    assert.deepEqual(kafkaSecurityOptions(s), {});
  });

  it('SASL_SSL with SCRAM-SHA-512 and a CA file: kafkajs gets the mechanism in its spelling and a verifying TLS with that CA', () => {
    const s = parse({ KAFKA_SECURITY_PROTOCOL: 'SASL_SSL', KAFKA_SSL_CA_FILE: 'ca.pem', KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512', KAFKA_SASL_USERNAME: 'alice', KAFKA_SASL_PASSWORD: 's3cret' });
    assert.deepEqual(kafkaSecurityOptions(s), { ssl: { rejectUnauthorized: true, ca: CA }, sasl: { mechanism: 'scram-sha-512', username: 'alice', password: 's3cret' } });
  });

  it('SSL alone trusts Node\'s CAs; SASL_PLAINTEXT with PLAIN has no TLS', () => {
    assert.deepEqual(kafkaSecurityOptions(parse({ KAFKA_SECURITY_PROTOCOL: 'SSL' })), { ssl: { rejectUnauthorized: true } });
    const plain = kafkaSecurityOptions(parse({ KAFKA_SECURITY_PROTOCOL: 'SASL_PLAINTEXT', KAFKA_SASL_MECHANISM: 'PLAIN', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }));
    assert.deepEqual(plain, { sasl: { mechanism: 'plain', username: 'u', password: 'p' } });
  });

  it('names the missing SASL setting', () => {
    const base = { KAFKA_SECURITY_PROTOCOL: 'SASL_SSL', KAFKA_SASL_MECHANISM: 'SCRAM-SHA-256', KAFKA_SASL_USERNAME: 'alice' };
    assert.throws(() => parse(base), /KAFKA_SASL_PASSWORD: the SASL password with KAFKA_SECURITY_PROTOCOL=SASL_SSL/);
    assert.throws(() => parse({ KAFKA_SECURITY_PROTOCOL: 'SASL_SSL' }), /KAFKA_SASL_MECHANISM: one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512/);
  });

  it('refuses a setting the protocol would ignore', () => {
    assert.throws(() => parse({ KAFKA_SASL_USERNAME: 'alice' }), /KAFKA_SASL_USERNAME: only used with KAFKA_SECURITY_PROTOCOL=SASL_SSL or SASL_PLAINTEXT, got PLAINTEXT/);
    assert.throws(() => parse({ KAFKA_SECURITY_PROTOCOL: 'SASL_PLAINTEXT', KAFKA_SASL_MECHANISM: 'PLAIN', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p', KAFKA_SSL_CA_FILE: 'ca.pem' }), /KAFKA_SSL_CA_FILE: only used with KAFKA_SECURITY_PROTOCOL=SSL or SASL_SSL/);
  });

  it('refuses a missing or non-PEM file, and a client certificate without its key', () => {
    assert.throws(() => parse({ KAFKA_SECURITY_PROTOCOL: 'SSL', KAFKA_SSL_CA_FILE: 'nope.pem' }), /KAFKA_SSL_CA_FILE: expected a readable PEM file, got "nope.pem" \(not found\)/);
    assert.throws(() => parse({ KAFKA_SECURITY_PROTOCOL: 'SSL', KAFKA_SSL_CA_FILE: 'not-pem.txt' }), /KAFKA_SSL_CA_FILE: expected a PEM file/);
    assert.throws(() => parse({ KAFKA_SECURITY_PROTOCOL: 'SSL', KAFKA_SSL_CERT_FILE: 'ca.pem' }), /KAFKA_SSL_KEY_FILE: a client certificate needs both/);
  });

  it('an unknown protocol or mechanism is refused by the config with the accepted values', () => {
    assert.throws(() => loadConfig({ KAFKA_SECURITY_PROTOCOL: 'TLS' }, dir), /KAFKA_SECURITY_PROTOCOL: .*PLAINTEXT.*SASL_SSL/s);
    assert.throws(() => loadConfig({ KAFKA_SECURITY_PROTOCOL: 'SASL_SSL', KAFKA_SASL_MECHANISM: 'GSSAPI' }, dir), /KAFKA_SASL_MECHANISM: .*SCRAM-SHA-512/s);
  });

  it('loadConfig carries the parsed settings to cfg.kafka.security', () => {
    const cfg = loadConfig({ KAFKA_SECURITY_PROTOCOL: 'SASL_SSL', KAFKA_SSL_CA_FILE: 'ca.pem', KAFKA_SASL_MECHANISM: 'PLAIN', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }, dir);
    assert.deepEqual(cfg.kafka.security, { protocol: 'SASL_SSL', tls: { ca: CA }, sasl: { mechanism: 'PLAIN', username: 'u', password: 'p' } });
  });
});
