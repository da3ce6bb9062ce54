/**
 * TLS and SASL of the Kafka client, for a managed or secured cluster
 * (KAFKA_SECURITY_PROTOCOL and friends, Kafka's own names). Parsed once with
 * the rest of the config: a setting that the chosen protocol would ignore is
 * an error, not a silent no-op, and certificate files are read (and checked
 * to be PEM) at start-up, so a wrong path fails before any connection.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ConnectionOptions } from 'node:tls';
import type { SASLOptions } from 'kafkajs';
import { z } from 'zod';
import { ConfigError } from '../errors.js';

export const KAFKA_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;
export const KAFKA_SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;

/** The variables, as the config schema reads them. */
export const KafkaSecurityEnv = z.object({
  KAFKA_SECURITY_PROTOCOL: z.enum(KAFKA_PROTOCOLS).default('PLAINTEXT'),
  KAFKA_SSL_CA_FILE: z.string().optional(),
  KAFKA_SSL_CERT_FILE: z.string().optional(),
  KAFKA_SSL_KEY_FILE: z.string().optional(),
  KAFKA_SASL_MECHANISM: z.enum(KAFKA_SASL_MECHANISMS).optional(),
  KAFKA_SASL_USERNAME: z.string().optional(),
  KAFKA_SASL_PASSWORD: z.string().optional(),
});
export type KafkaSecurityEnv = z.infer<typeof KafkaSecurityEnv>;

/** What the client needs: TLS (null = plaintext; PEM texts, absent = Node's trusted CAs / no client certificate) and SASL (null = none). */
export interface KafkaSecurity {
  protocol: (typeof KAFKA_PROTOCOLS)[number];
  tls: { ca?: string; cert?: string; key?: string } | null;
  sasl: { mechanism: (typeof KAFKA_SASL_MECHANISMS)[number]; username: string; password: string } | null;
}

function pem(variable: string, path: string, root: string): string {
  const file = resolve(root, path);
  if (!existsSync(file)) throw new ConfigError(`invalid configuration:\n  ${variable}: expected a readable PEM file, got "${path}" (not found)`);
  const text = readFileSync(file, 'utf8');
  if (!text.includes('-----BEGIN ')) throw new ConfigError(`invalid configuration:\n  ${variable}: expected a PEM file (-----BEGIN ...), got "${path}"`);
  return text;
}

/** Checks the combination and reads the PEM files (paths relative to `root`); throws ConfigError naming the variable. */
export function parseKafkaSecurity(e: KafkaSecurityEnv, root: string): KafkaSecurity {
  const protocol = e.KAFKA_SECURITY_PROTOCOL;
  const usesTls = protocol === 'SSL' || protocol === 'SASL_SSL';
  const usesSasl = protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL';
  const fail = (variable: string, expected: string) => {
    throw new ConfigError(`invalid configuration:\n  ${variable}: ${expected}`);
  };
  if (!usesTls) {
    for (const v of ['KAFKA_SSL_CA_FILE', 'KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE'] as const) {
      if (e[v]) fail(v, `only used with KAFKA_SECURITY_PROTOCOL=SSL or SASL_SSL, got ${protocol}`);
    }
  }
  if (!usesSasl) {
    for (const v of ['KAFKA_SASL_MECHANISM', 'KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD'] as const) {
      if (e[v]) fail(v, `only used with KAFKA_SECURITY_PROTOCOL=SASL_SSL or SASL_PLAINTEXT, got ${protocol}`);
    }
  }
  if (Boolean(e.KAFKA_SSL_CERT_FILE) !== Boolean(e.KAFKA_SSL_KEY_FILE)) {
    fail(e.KAFKA_SSL_CERT_FILE ? 'KAFKA_SSL_KEY_FILE' : 'KAFKA_SSL_CERT_FILE', 'a client certificate needs both KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE');
  }
  let sasl: KafkaSecurity['sasl'] = null;
  if (usesSasl) {
    if (!e.KAFKA_SASL_MECHANISM) fail('KAFKA_SASL_MECHANISM', `one of ${KAFKA_SASL_MECHANISMS.join(', ')} with KAFKA_SECURITY_PROTOCOL=${protocol}`);
    if (!e.KAFKA_SASL_USERNAME) fail('KAFKA_SASL_USERNAME', `the SASL user name with KAFKA_SECURITY_PROTOCOL=${protocol}`);
    if (!e.KAFKA_SASL_PASSWORD) fail('KAFKA_SASL_PASSWORD', `the SASL password with KAFKA_SECURITY_PROTOCOL=${protocol}`);
    sasl = { mechanism: e.KAFKA_SASL_MECHANISM!, username: e.KAFKA_SASL_USERNAME!, password: e.KAFKA_SASL_PASSWORD! };
  }
  const tls = usesTls
    ? {
        ...(e.KAFKA_SSL_CA_FILE ? { ca: pem('KAFKA_SSL_CA_FILE', e.KAFKA_SSL_CA_FILE, root) } : {}),
        ...(e.KAFKA_SSL_CERT_FILE ? { cert: pem('KAFKA_SSL_CERT_FILE', e.KAFKA_SSL_CERT_FILE, root) } : {}),
        ...(e.KAFKA_SSL_KEY_FILE ? { key: pem('KAFKA_SSL_KEY_FILE', e.KAFKA_SSL_KEY_FILE, root) } : {}),
      }
    : null;
  return { protocol, tls, sasl };
}

/** The kafkajs client options of `s`: `ssl` and `sasl`, absent when off. The server certificate is always verified. */
export function kafkaSecurityOptions(s: KafkaSecurity): { ssl?: ConnectionOptions; sasl?: SASLOptions } {
  const out: { ssl?: ConnectionOptions; sasl?: SASLOptions } = {};
  if (s.tls) out.ssl = { rejectUnauthorized: true, ...s.tls };
  if (s.sasl) {
    const { username, password } = s.sasl;
    const mechanism = s.sasl.mechanism.toLowerCase() as 'plain' | 'scram-sha-256' | 'scram-sha-512';
    out.sasl = { mechanism, username, password } as SASLOptions;
  }
  return out;
}

/** Plaintext: what a config without any of the variables means. */
export const PLAINTEXT: KafkaSecurity = { protocol: 'PLAINTEXT', tls: null, sasl: null };
