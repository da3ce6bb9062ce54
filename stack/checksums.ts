/**
 * Pinned checksums of what the stack downloads from Maven Central (Kafka's
 * jars, the Apicurio Registry archive), in `sha512sum`'s format, kept in the
 * repo beside the pom (stack/maven/*.sha512). Maven itself checks each
 * download against the .sha1 Central publishes next to it (`mvn -C`); the
 * pins add what that cannot: a file changed upstream, in ~/.m2 or on disk
 * after the install is refused too. `cd .stack/kafka/libs && sha512sum -c
 * ../../../stack/maven/kafka-libs.sha512` checks the same by hand.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { AppError } from '../lib/errors.js';

/** `<128 hex digits>  <file name>` lines (blank lines and # comments skipped) -> name -> hex. */
export function parseChecksums(text: string, source: string): Map<string, string> {
  const pins = new Map<string, string>();
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const m = /^([0-9a-f]{128}) [ *]([^/\\]+)$/.exec(line);
    if (!m) throw new AppError('INSTALL', `${source}:${i + 1}: expected "<SHA-512 in hex>  <file name>" (sha512sum's format), got "${line.slice(0, 80)}"`);
    pins.set(m[2]!, m[1]!);
  });
  return pins;
}

/** Reads a pin file of stack/maven/. */
export function readChecksums(path: string): Map<string, string> {
  if (!existsSync(path)) throw new AppError('INSTALL', `${path}: the pinned checksums are missing`);
  return parseChecksums(readFileSync(path, 'utf8'), path);
}

export function sha512Of(path: string): string {
  return createHash('sha512').update(readFileSync(path)).digest('hex');
}

/** Throws INSTALL unless `path`'s SHA-512 is the one pinned for its name in `pins` (from `source`). */
export function verifyFile(path: string, pins: ReadonlyMap<string, string>, source: string): void {
  const name = basename(path);
  const want = pins.get(name);
  if (!want) throw new AppError('INSTALL', `${name}: no checksum pinned for it in ${source}; refusing an unexpected download`);
  const got = sha512Of(path);
  if (got !== want) throw new AppError('INSTALL', `${name}: SHA-512 ${got.slice(0, 16)}… is not the ${want.slice(0, 16)}… pinned in ${source}; refusing it (delete it and install again)`);
}

/** Every `ext` file of `dir` must be pinned and match, and every pinned file must be there. */
export function verifyDir(dir: string, pins: ReadonlyMap<string, string>, source: string, ext = '.jar'): void {
  const files = readdirSync(dir).filter((f) => f.endsWith(ext));
  for (const f of files) verifyFile(join(dir, f), pins, source);
  const missing = [...pins.keys()].filter((f) => !files.includes(f));
  if (missing.length > 0) throw new AppError('INSTALL', `${dir} lacks ${missing.join(', ')} pinned in ${source}`);
}
