import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kafka, Producer } from 'kafkajs';
import { AppError, DependencyError, ValidationError } from '../errors.js';

/**
 * Model artifacts are content-addressed and live on a Kafka topic (key =
 * sha256, value = the ONNX bytes, kept forever), so every gateway replica can
 * fetch them from the log itself, and a replay of the log has them too. The
 * URI names the topic and the hash: `kafka://<topic>/<sha256>`.
 */
export function artifactUri(topic: string, sha256: string): string {
  return `kafka://${topic}/${sha256}`;
}

/** sha256 of bytes, hex. */
export function sha256Hex(bytes: Buffer | Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Splits and checks a `kafka://<topic>/<sha256>` URI. */
export function parseArtifactUri(uri: string): { topic: string; sha256: string } {
  const m = /^kafka:\/\/([A-Za-z0-9._-]+)\/([0-9a-f]{64})$/.exec(uri);
  if (!m) throw new ValidationError('artifactUri', 'kafka://<topic>/<sha256 hex>', uri);
  return { topic: m[1]!, sha256: m[2]! };
}

/** Publishes an artifact (idempotent: same bytes, same key) and returns its address. */
export async function publishArtifact(
  producer: Producer,
  topic: string,
  bytes: Buffer,
  headers: Record<string, string> = {},
): Promise<{ sha256: string; uri: string; bytes: number }> {
  const sha256 = sha256Hex(bytes);
  await producer.send({ topic, acks: -1, messages: [{ key: sha256, value: bytes, headers }] });
  return { sha256, uri: artifactUri(topic, sha256), bytes: bytes.length };
}

/**
 * Fetches an artifact by URI: from the local cache folder when present and
 * intact, else by reading its topic from the beginning until the key shows
 * up. The bytes are verified against the hash before they are returned.
 * `timeoutMs` bounds the search (default 60 s).
 */
export async function fetchArtifact(kafka: Kafka, uri: string, opts: { cacheDir?: string; timeoutMs?: number } = {}): Promise<Buffer> {
  const { topic, sha256 } = parseArtifactUri(uri);
  const cached = opts.cacheDir ? join(opts.cacheDir, `${sha256}.onnx`) : null;
  if (cached && existsSync(cached)) {
    const b = readFileSync(cached);
    if (sha256Hex(b) === sha256) return b;
  }
  const bytes = await readFromTopic(kafka, topic, sha256, opts.timeoutMs ?? 60_000);
  const got = sha256Hex(bytes);
  if (got !== sha256) throw new AppError('ARTIFACT_HASH', `artifact ${sha256} failed verification: its bytes hash to ${got}`);
  if (cached && opts.cacheDir) {
    mkdirSync(opts.cacheDir, { recursive: true });
    writeFileSync(`${cached}.tmp`, bytes);
    renameSync(`${cached}.tmp`, cached);
  }
  return bytes;
}

/**
 * The path of a verified copy of an artifact in `cacheDir` (fetched from its
 * topic first when missing or damaged), for callers that stream the file.
 */
export async function fetchArtifactFile(kafka: Kafka, uri: string, opts: { cacheDir: string; timeoutMs?: number }): Promise<string> {
  await fetchArtifact(kafka, uri, opts);
  return join(opts.cacheDir, `${parseArtifactUri(uri).sha256}.onnx`);
}

async function readFromTopic(kafka: Kafka, topic: string, sha256: string, timeoutMs: number): Promise<Buffer> {
  const admin = kafka.admin();
  await admin.connect();
  let ends: { partition: number; high: string; low: string }[];
  try {
    ends = await admin.fetchTopicOffsets(topic);
  } finally {
    await admin.disconnect();
  }
  if (ends.every((e) => BigInt(e.high) <= BigInt(e.low))) throw new AppError('NOT_FOUND', `artifact ${sha256} is not on ${topic} (empty topic)`);
  // a consumer without a group reads the small artifact log from the start, and never commits
  const consumer = kafka.consumer({ groupId: `artifact-fetch-${process.pid}-${Date.now()}`, maxBytesPerPartition: 64 * 1024 * 1024 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    return await new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => reject(new DependencyError('kafka', `artifact ${sha256} not found on ${topic} within ${timeoutMs} ms`)), timeoutMs);
      const remaining = new Map(ends.map((e) => [e.partition, BigInt(e.high)]));
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            if (message.key?.toString() === sha256 && message.value) {
              clearTimeout(timer);
              resolve(message.value);
              return;
            }
            if (BigInt(message.offset) + 1n >= (remaining.get(partition) ?? 0n)) remaining.delete(partition);
            if (remaining.size === 0) {
              clearTimeout(timer);
              reject(new AppError('NOT_FOUND', `artifact ${sha256} is not on ${topic}`));
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
}
