import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseChecksums, readChecksums, verifyDir, verifyFile } from './checksums.js';

const dir = mkdtempSync(join(tmpdir(), 'checksums-'));
const sha512 = (s: string) => createHash('sha512').update(s).digest('hex');
writeFileSync(join(dir, 'a.jar'), 'jar a');
writeFileSync(join(dir, 'b.jar'), 'jar b');
const PINS = `# pinned\n${sha512('jar a')}  a.jar\n${sha512('jar b')}  b.jar\n`;

describe('pinned checksums of the stack downloads', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads sha512sum lines and names a malformed one by file and line', () => {
    const pins = parseChecksums(PINS, 'x.sha512');
    assert.deepEqual([...pins.keys()], ['a.jar', 'b.jar']);
    assert.equal(pins.get('a.jar'), sha512('jar a'));
    assert.throws(() => parseChecksums(`${sha512('x').slice(0, 40)}  a.jar`, 'x.sha512'), /x\.sha512:1: expected "<SHA-512 in hex> {2}<file name>"/);
  });

  it('accepts the pinned files, and refuses a tampered one by name', () => {
    const pins = parseChecksums(PINS, 'x.sha512');
    verifyDir(dir, pins, 'x.sha512');
    writeFileSync(join(dir, 'b.jar'), 'jar b, changed');
    assert.throws(() => verifyDir(dir, pins, 'x.sha512'), (err: Error) => /^b\.jar: SHA-512 [0-9a-f]{16}… is not the [0-9a-f]{16}… pinned in x\.sha512; refusing it/.test(err.message));
    assert.throws(() => verifyFile(join(dir, 'b.jar'), pins, 'x.sha512'), /b\.jar: SHA-512/);
    writeFileSync(join(dir, 'b.jar'), 'jar b');
  });

  it('refuses a jar nobody pinned, and a pinned jar that is missing', () => {
    const pins = parseChecksums(PINS, 'x.sha512');
    writeFileSync(join(dir, 'c.jar'), 'jar c');
    assert.throws(() => verifyDir(dir, pins, 'x.sha512'), /c\.jar: no checksum pinned for it in x\.sha512/);
    rmSync(join(dir, 'c.jar'));
    rmSync(join(dir, 'a.jar'));
    assert.throws(() => verifyDir(dir, pins, 'x.sha512'), /lacks a\.jar pinned in x\.sha512/);
  });

  it('the repo\'s pins cover the versions the poms and the install name (a version bump without new pins fails here)', () => {
    const version = (pom: string, prop: string) => new RegExp(`<${prop}>([^<]+)</${prop}>`).exec(readFileSync(pom, 'utf8'))?.[1];
    const kafka = readChecksums('stack/maven/kafka-libs.sha512');
    assert.ok(kafka.has(`kafka_2.13-${version('stack/maven/pom.xml', 'kafka.version')}.jar`), 'the pom\'s Kafka version is pinned');
    const apicurio = version('stack/maven/pom.xml', 'apicurio.version')!;
    assert.ok(readChecksums('stack/maven/apicurio.sha512').has(`apicurio-registry-app-${apicurio}-all.tar.gz`), 'the Apicurio archive is pinned');
    assert.match(readFileSync('stack/install.ts', 'utf8'), new RegExp(`apicurio-registry-app:${apicurio.replaceAll('.', '\\.')}:tar\\.gz:all`), 'the install fetches the pom\'s Apicurio version');
    const zk = readChecksums('stack/maven/zookeeper/zookeeper-libs.sha512');
    assert.ok(zk.has(`zookeeper-${version('stack/maven/zookeeper/pom.xml', 'zookeeper.version')}.jar`), 'the ZooKeeper pom\'s version is pinned');
  });
});
