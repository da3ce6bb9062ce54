import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import avro from 'avsc';
import type { Config } from '../config.js';
import { AppError, DependencyError, ValidationError } from '../errors.js';

/** The Avro contracts, one per event type (file names in schemas/). */
export const CONTRACTS = {
  sales: 'sales-weekly.avsc',
  trainingRequests: 'training-request.avsc',
  modelTrained: 'model-trained.avsc',
  modelPromoted: 'model-promoted.avsc',
  backtestRequested: 'backtest-requested.avsc',
  backtestFinished: 'backtest-finished.avsc',
  scheduleChanged: 'schedule-changed.avsc',
  modelAnnotated: 'model-annotated.avsc',
  modelAliasChanged: 'model-alias-changed.avsc',
  forecastPublished: 'forecast-published.avsc',
  simulationPaceChanged: 'simulation-pace-changed.avsc',
} as const;
export type Contract = keyof typeof CONTRACTS;

const SCHEMA_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'schemas');

/** The raw JSON text of a contract. */
export function contractText(contract: Contract): string {
  return readFileSync(join(SCHEMA_DIR, CONTRACTS[contract]), 'utf8');
}

/**
 * A contract as handlers see it: its Avro file plus the one validator that
 * turns a decoded record into its TypeScript type (domain rules included).
 * `decode(contract, bytes)` runs both, so every consumer of a topic accepts
 * and refuses exactly the same events.
 */
export interface TypedContract<T> {
  readonly name: Contract;
  /** Checks a decoded record and returns it typed; throws ValidationError naming the field. */
  validate(value: unknown): T;
}

/** Declares a typed contract. */
export function typedContract<T>(name: Contract, validate: (value: unknown) => T): TypedContract<T> {
  return { name, validate };
}

/** The full record name a contract's schema declares (namespace.name). */
const recordNames = new Map<Contract, string>();
function recordName(contract: Contract): string {
  let n = recordNames.get(contract);
  if (n === undefined) {
    const s = JSON.parse(contractText(contract)) as { name: string; namespace?: string };
    n = s.namespace && !s.name.includes('.') ? `${s.namespace}.${s.name}` : s.name;
    recordNames.set(contract, n);
  }
  return n;
}

/** The path of the first field of `value` that `type` refuses, or null. */
function badPath(type: avro.Type, value: unknown): string | null {
  let bad: string | null = null;
  type.isValid(value, {
    errorHook: (path) => {
      if (bad === null) bad = path.join('.') || null;
    },
  });
  return bad;
}

/** Thrown when bytes are not a registry-framed Avro record we can read. */
export class DecodeError extends AppError {
  constructor(message: string, cause?: unknown) {
    super('DECODE', message, { cause });
  }
}

/**
 * Avro at the edges: registers each contract under the TopicNameStrategy
 * subject `<topic>-value` with BACKWARD compatibility, then encodes and
 * decodes the Confluent wire format (magic 0, 4-byte schema id, Avro body)
 * synchronously with cached types. Decoding resolves unknown writer ids
 * through the registry once.
 */
export class AvroCodec {
  readonly registry: SchemaRegistry;
  private readonly writers = new Map<Contract, { id: number; type: avro.Type }>();
  private readonly readers = new Map<number, avro.Type>();
  private readonly pending = new Map<number, Promise<avro.Type>>();

  constructor(registryUrl: string) {
    this.registry = new SchemaRegistry({ host: registryUrl, retry: { retries: 5 } });
  }

  /** A codec for the configured registry. */
  static fromConfig(cfg: Readonly<Config>): AvroCodec {
    return new AvroCodec(cfg.registry.url);
  }

  /** Registers `contract` for `topic` (idempotent); returns the schema id. */
  async register(contract: Contract, topic: string, schemaText = contractText(contract)): Promise<number> {
    try {
      const { id } = await this.registry.register(
        { type: SchemaType.AVRO, schema: schemaText },
        { subject: `${topic}-value` },
      );
      const type = avro.Type.forSchema(JSON.parse(schemaText) as avro.Schema);
      this.writers.set(contract, { id, type });
      this.readers.set(id, type);
      return id;
    } catch (err) {
      const msg = (err as Error).message;
      const incompatible = /compatib/i.test(msg) || (err as { status?: number }).status === 409;
      if (incompatible) throw new AppError('SCHEMA_INCOMPATIBLE', `schema for ${topic} refused by the registry: ${msg}`, { cause: err });
      throw new DependencyError('schema registry', msg, err);
    }
  }

  /** Encodes a value of `contract`; throws ValidationError naming the first bad field. */
  encode(contract: Contract, value: unknown): Buffer {
    const w = this.writers.get(contract);
    if (!w) throw new AppError('NOT_REGISTERED', `contract ${contract} is not registered yet`);
    if (!w.type.isValid(value)) throw new ValidationError(badPath(w.type, value) ?? contract, `a value matching the ${contract} schema`);
    const body = w.type.toBuffer(value);
    const out = Buffer.allocUnsafe(5 + body.length);
    out.writeUInt8(0, 0);
    out.writeInt32BE(w.id, 1);
    body.copy(out, 5);
    return out;
  }

  /**
   * Encodes values of `contract` into one shared buffer, each returned as its
   * own slice (registry framing included): one allocation per call instead
   * of two and a copy per value. Throws ValidationError naming the first bad
   * field of the first bad value.
   */
  encodeMany(contract: Contract, values: readonly unknown[]): Buffer[] {
    const { bytes, ends } = this.encodePacked(contract, values);
    const out = new Array<Buffer>(ends.length);
    for (let i = 0, start = 0; i < ends.length; start = ends[i]!, i++) out[i] = bytes.subarray(start, ends[i]);
    return out;
  }

  /**
   * Encodes values of `contract` back to back into one buffer of their own
   * (not Node's shared pool, so its memory can be transferred to a worker
   * thread); value i is `bytes[ends[i-1] .. ends[i])`, registry framing
   * included. Throws ValidationError naming the first bad field of the first
   * bad value.
   */
  encodePacked(contract: Contract, values: readonly unknown[]): { bytes: Buffer; ends: Uint32Array } {
    const w = this.writers.get(contract);
    if (!w) throw new AppError('NOT_REGISTERED', `contract ${contract} is not registered yet`);
    let slab = Buffer.allocUnsafeSlow(Math.max(1024, values.length * 128));
    const ends = new Uint32Array(values.length);
    let pos = 0;
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      // the plain check is several times faster; the hook only runs to name the field of a bad value
      if (!w.type.isValid(value)) throw new ValidationError(badPath(w.type, value) ?? contract, `a value matching the ${contract} schema`);
      let end = w.type.encode(value, slab, pos + 5);
      if (end < 0) {
        // full (avsc returns minus the bytes missing): grow to twice what is needed, keeping what is written
        const grown = Buffer.allocUnsafeSlow(2 * (slab.length - end));
        slab.copy(grown, 0, 0, pos);
        slab = grown;
        end = w.type.encode(value, slab, pos + 5);
      }
      slab.writeUInt8(0, pos);
      slab.writeInt32BE(w.id, pos + 1);
      ends[i] = end;
      pos = end;
    }
    return { bytes: slab.subarray(0, pos), ends };
  }

  /**
   * Decodes registry-framed Avro written with `contract`'s schema (any
   * registered version of it) and runs the contract's validator. Throws
   * DecodeError for unreadable bytes or another record type, ValidationError
   * for a value the contract refuses, DependencyError (retriable) when the
   * registry cannot be reached.
   */
  async decode<T>(contract: TypedContract<T>, buf: Buffer | null): Promise<T> {
    const id = frameId(buf);
    return this.decodeWith(contract, this.readers.get(id) ?? (await this.readerFor(id)), id, buf!);
  }

  /**
   * decode without waiting, when the writer schema is already known (the
   * hot path of a projection: no promise per message); UNKNOWN_SCHEMA when
   * it must be fetched first, with decode. Throws as decode does.
   */
  decodeIfKnown<T>(contract: TypedContract<T>, buf: Buffer | null): T | typeof UNKNOWN_SCHEMA {
    const id = frameId(buf);
    const type = this.readers.get(id);
    return type ? this.decodeWith(contract, type, id, buf!) : UNKNOWN_SCHEMA;
  }

  private decodeWith<T>(contract: TypedContract<T>, type: avro.Type, id: number, buf: Buffer): T {
    const want = recordName(contract.name);
    if (type.name !== want) throw new DecodeError(`expected a ${want} record, got ${type.name ?? 'an unnamed type'}`);
    // the validator reads fields by name, so the record is not copied into a plain object
    return contract.validate(decodeBody(type, id, buf));
  }

  /** Decodes registry-framed Avro into a plain object without any contract (tools that show raw records). */
  async decodeAny(buf: Buffer | null): Promise<{ schemaId: number; value: unknown }> {
    const id = frameId(buf);
    const type = this.readers.get(id) ?? (await this.readerFor(id));
    const value = decodeBody(type, id, buf!);
    return { schemaId: id, value: type.name ? { ...(value as object) } : value };
  }

  private readerFor(id: number): Promise<avro.Type> {
    let p = this.pending.get(id);
    if (!p) {
      p = this.registry
        .getSchema(id)
        .then((s) => {
          const type = s as unknown as avro.Type;
          this.readers.set(id, type);
          return type;
        })
        .catch((err: unknown) => {
          this.pending.delete(id);
          const status = (err as { status?: number }).status;
          if (status === 404 || /not found/i.test((err as Error).message)) throw new DecodeError(`unknown schema id ${id}`, err);
          throw new DependencyError('schema registry', (err as Error).message, err);
        });
      this.pending.set(id, p);
    }
    return p;
  }
}

/** What decodeIfKnown returns when the writer schema is not cached yet. */
export const UNKNOWN_SCHEMA: unique symbol = Symbol('unknown schema');

/** The schema id of registry-framed bytes (magic 0, 4-byte id); DecodeError when they are not framed. */
function frameId(buf: Buffer | null): number {
  if (!buf || buf.length < 6) throw new DecodeError(`message too short for the registry wire format (${buf?.length ?? 0} bytes)`);
  if (buf[0] !== 0) throw new DecodeError(`unknown magic byte ${buf[0]} (expected 0)`);
  return buf.readInt32BE(1);
}

/** The Avro body after the frame, which must be read to its last byte. */
function decodeBody(type: avro.Type, id: number, buf: Buffer): unknown {
  try {
    const { value, offset } = type.decode(buf, 5);
    if (offset !== buf.length) throw new Error(`trailing or missing bytes (decoded to ${offset} of ${buf.length})`);
    return value;
  } catch (err) {
    throw new DecodeError(`Avro body does not match schema ${id}: ${(err as Error).message}`, err);
  }
}
