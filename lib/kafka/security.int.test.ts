/**
 * The Kafka client's TLS and SASL settings against a real broker that
 * accepts nothing else: a single KRaft node from the installed Kafka
 * (.stack/kafka/libs), on its own free ports, with one SASL_SSL listener
 * (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512), a self-signed certificate made
 * with keytool and SCRAM users created when its storage is formatted.
 * Each mechanism creates a topic or writes to it through createKafka; a
 * wrong password and an untrusted certificate are refused.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig, withOverrides, type Config } from '../config.js';
import { createKafka } from './client.js';
import type { KafkaSecurity } from './security.js';
import { deadPort, eventually } from '../testing.js';
import { setLogLevel } from '../log.js';

const PASS = randomBytes(12).toString('hex');
const USERS = { plain: `plain-${PASS}`, scram256: `s256-${PASS}`, scram512: `s512-${PASS}` };
/** The JVM flags of a short-lived test broker: small heap, quick start. */
const JVM = ['-Xms128m', '-Xmx384m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1'];

/** Whether something accepts TCP connections on 127.0.0.1:port (waiting on it first keeps kafkajs' connection errors out of the output). */
const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const sock = createConnection({ host: '127.0.0.1', port }, () => (sock.destroy(), resolve(true)));
    sock.once('error', () => resolve(false));
  });

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.slice(0, 3).join(' ')} failed: ${r.stderr || r.stdout}`);
  return r.stdout;
}

describe('Kafka over SASL_SSL (a broker of its own)', { timeout: 90_000 }, () => {
  const base = loadConfig();
  const libs = join(base.installDir, 'kafka', 'libs');
  const dir = mkdtempSync(join(tmpdir(), 'kafka-sasl-ssl-'));
  let broker: ChildProcess | undefined;
  let port = 0;
  let brokerLog = '';

  const cfgWith = (security: KafkaSecurity): Readonly<Config> =>
    withOverrides(base, (d) => {
      d.kafka.brokers = [`127.0.0.1:${port}`];
      d.kafka.security = security;
    });
  const ca = () => ({ ca: run('keytool', ['-exportcert', '-rfc', '-alias', 'broker', '-keystore', join(dir, 'broker.p12'), '-storepass', PASS]) });
  let trusted: { ca: string };

  before(async () => {
    setLogLevel('error');
    assert.ok(existsSync(libs), `Kafka is installed in ${libs} (npm run stack -- install)`);
    port = await deadPort();
    const controller = await deadPort();
    // a self-signed certificate for the names a client dials
    run('keytool', ['-genkeypair', '-alias', 'broker', '-keyalg', 'EC', '-groupname', 'secp256r1', '-dname', 'CN=localhost', '-ext', 'SAN=ip:127.0.0.1,dns:localhost', '-validity', '2',
      '-storetype', 'PKCS12', '-keystore', join(dir, 'broker.p12'), '-storepass', PASS, '-keypass', PASS]);
    trusted = ca();
    const props = join(dir, 'server.properties');
    writeFileSync(props, [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@127.0.0.1:${controller}`,
      `listeners=SASL_SSL://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controller}`,
      `advertised.listeners=SASL_SSL://127.0.0.1:${port}`,
      'controller.listener.names=CONTROLLER',
      'inter.broker.listener.name=SASL_SSL',
      'listener.security.protocol.map=CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL',
      'sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512',
      'sasl.mechanism.inter.broker.protocol=PLAIN',
      `listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="${PASS}" user_admin="${PASS}" user_alice="${USERS.plain}";`,
      'listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;',
      'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;',
      'ssl.keystore.type=PKCS12',
      `ssl.keystore.location=${join(dir, 'broker.p12')}`,
      `ssl.keystore.password=${PASS}`,
      `ssl.key.password=${PASS}`,
      // the broker checks at start that a client trusting its truststore can reach it: the keystore itself holds the certificate
      'ssl.truststore.type=PKCS12',
      `ssl.truststore.location=${join(dir, 'broker.p12')}`,
      `ssl.truststore.password=${PASS}`,
      `log.dirs=${join(dir, 'data')}`,
      'num.partitions=1',
      'offsets.topic.replication.factor=1',
      'offsets.topic.num.partitions=1',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'group.initial.rebalance.delay.ms=0',
      '',
    ].join('\n'));
    const log4j = join(dir, 'log4j.properties');
    writeFileSync(log4j, 'log4j.rootLogger=WARN, stdout\nlog4j.appender.stdout=org.apache.log4j.ConsoleAppender\nlog4j.appender.stdout.layout=org.apache.log4j.PatternLayout\n');
    const jvm = [...JVM, `-Dlog4j.configuration=file:${log4j}`, '-cp', `${libs}/*`];
    const cluster = run('java', [...jvm, 'kafka.tools.StorageTool', 'random-uuid']).trim().split('\n').pop()!;
    // SCRAM users are written into the metadata log when the storage is formatted
    run('java', [...jvm, 'kafka.tools.StorageTool', 'format', '-t', cluster, '-c', props,
      '--add-scram', `SCRAM-SHA-256=[name=alice,password=${USERS.scram256}]`, '--add-scram', `SCRAM-SHA-512=[name=alice,password=${USERS.scram512}]`]);
    broker = spawn('java', [...jvm, 'kafka.Kafka', props], { stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (b: Buffer) => void (brokerLog = (brokerLog + b.toString()).slice(-4000));
    broker.stdout!.on('data', keep);
    broker.stderr!.on('data', keep);
    await eventually(async () => broker!.exitCode !== null || (await listening(port)), 60_000, 250);
    const admin = createKafka(cfgWith({ protocol: 'SASL_SSL', tls: trusted, sasl: { mechanism: 'PLAIN', username: 'alice', password: USERS.plain } }), 'sasl-wait', { retries: 0 }).admin();
    const up = await eventually(async () => {
      if (broker!.exitCode !== null) return true; // the assertion below reports it with the broker's log
      try {
        await admin.connect();
        await admin.listTopics();
        return true;
      } catch {
        await admin.disconnect().catch(() => undefined);
        return false;
      }
    }, 30_000, 500);
    await admin.disconnect().catch(() => undefined);
    assert.ok(up && broker.exitCode === null, `the SASL_SSL broker answered within 90 s; its log:\n${brokerLog}`);
  });

  after(async () => {
    if (broker && broker.exitCode === null) {
      broker.kill('SIGKILL');
      await new Promise((r) => broker!.once('exit', r));
    }
    rmSync(dir, { recursive: true, force: true });
  });

  for (const [mechanism, password] of [['PLAIN', () => USERS.plain], ['SCRAM-SHA-256', () => USERS.scram256], ['SCRAM-SHA-512', () => USERS.scram512]] as const) {
    it(`${mechanism}: creates a topic, writes and reads it back`, async () => {
      const kafka = createKafka(cfgWith({ protocol: 'SASL_SSL', tls: trusted, sasl: { mechanism, username: 'alice', password: password() } }), `sasl-${mechanism}`, { retries: 1 });
      const topic = `sasl-${mechanism.toLowerCase()}`;
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
      await admin.disconnect();
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({ topic, messages: [{ key: 'k', value: mechanism }] });
      await producer.disconnect();
      const consumer = kafka.consumer({ groupId: `g-${topic}`, maxWaitTimeInMs: 100 });
      const got: string[] = [];
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void got.push(String(message.value)) });
      const read = await eventually(() => got.length > 0, 20_000);
      await consumer.disconnect();
      assert.ok(read, 'read back within 20 s');
      assert.deepEqual(got, [mechanism]);
    });
  }

  it('refuses a wrong SCRAM password', async () => {
    const admin = createKafka(cfgWith({ protocol: 'SASL_SSL', tls: trusted, sasl: { mechanism: 'SCRAM-SHA-512', username: 'alice', password: USERS.scram256 } }), 'sasl-wrong', { retries: 0 }).admin();
    await assert.rejects(admin.connect(), /SASL SCRAM SHA512 authentication failed|Authentication failed/i);
    await admin.disconnect().catch(() => undefined);
  });

  it('refuses the broker\'s certificate without its CA (TLS verifies it), and speaks no plaintext', async () => {
    const untrusted = createKafka(cfgWith({ protocol: 'SASL_SSL', tls: {}, sasl: { mechanism: 'PLAIN', username: 'alice', password: USERS.plain } }), 'sasl-untrusted', { retries: 0 }).admin();
    await assert.rejects(untrusted.connect(), /self[- ]signed certificate/i);
    await untrusted.disconnect().catch(() => undefined);
    const plain = createKafka(cfgWith({ protocol: 'PLAINTEXT', tls: null, sasl: null }), 'sasl-plaintext', { retries: 0 }).admin();
    await assert.rejects(plain.connect());
    await plain.disconnect().catch(() => undefined);
  });
});
