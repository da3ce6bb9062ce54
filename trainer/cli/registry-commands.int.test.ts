/**
 * Registry commands against real Kafka and the schema registry, with no
 * registry projector running and ClickHouse pointed at a port where nothing
 * listens: promote and roll back are decided on the registry read from the
 * log to its end, and two concurrent promotions yield one that takes effect
 * and one Conflict.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bootstrapContracts } from '../../lib/kafka/bootstrap.js';
import type { AvroCodec } from '../../lib/avro/codec.js';
import { ConflictError } from '../../lib/errors.js';
import { createKafka } from '../../lib/kafka/client.js';
import { createLogger } from '../../lib/log.js';
import type { ModelPromoted, ModelTrained } from '../../schemas/types.js';
import { runRegistryCommand } from '../../domain/registry/command-handler.js';
import { championOf, type RegistryState } from '../../domain/registry/state.js';
import { withRegistryView } from '../../domain/registry/io/view.js';
import { EventPublisher } from '../../domain/training/io/event-publisher.js';
import { cleanUp, uniqueConfig } from '../test/fixture.js';
import { deadPort } from '../../lib/testing.js';
import { openRegistryClient } from './registry-api.js';


const sha = (v: number) => String(v).repeat(64).slice(0, 64);
const run = (version: number): ModelTrained => ({
  runId: `run-${version}`,
  version,
  requestIds: [],
  trigger: 'manual',
  reasons: ['test'],
  params: '{}',
  featureVersion: 'v1-test',
  features: ['lag_1'],
  horizon: 4,
  metrics: '{}',
  holdoutWeeks: [],
  dataMaxWeek: '2012-10-26',
  dataRows: 10,
  dataSeries: 1,
  topicOffsets: '{}',
  durationMs: 1,
  artifactSha256: sha(version),
  artifactUri: `kafka://t/${sha(version)}`,
  artifactBytes: 1,
  decision: 'promoted',
  decisionReason: 'test',
  trainedAt: 1_700_000_000_000 + version,
});
const promotion = (version: number, previousVersion: number | null): ModelPromoted => ({
  version,
  runId: `run-${version}`,
  previousVersion,
  kind: 'promotion',
  reason: 'test',
  artifactSha256: sha(version),
  artifactUri: `kafka://t/${sha(version)}`,
  promotedBy: 'trainer',
  promotedAt: 1_700_000_000_100 + version,
});

describe('registry commands on the log (integration, no projector, no ClickHouse)', { timeout: 120_000 }, () => {
  let cfg: ReturnType<typeof uniqueConfig>;
  let codec: AvroCodec;
  let pub: EventPublisher;
  const kafka = () => createKafka(cfg, 'test-registry-commands');
  const readLog = (): Promise<RegistryState> => withRegistryView(kafka(), codec, cfg.topics, createLogger('test'), async (v) => v.state());

  before(async () => {
    const port = await deadPort();
    cfg = uniqueConfig('regcmd', (d) => (d.clickhouse.url = `http://127.0.0.1:${port}`));
    codec = await bootstrapContracts(cfg);
    pub = await EventPublisher.connect(kafka(), codec, cfg.topics);
    // given v1..v7 trained, v1 then v7 champion, written straight to the log
    for (let v = 1; v <= 7; v++) await pub.modelTrained(run(v));
    await pub.modelPromoted(promotion(1, null));
    await pub.modelPromoted(promotion(7, 1));
  });
  after(async () => {
    await pub?.disconnect();
    await cleanUp(cfg);
  });

  it('given v7 champion and no projector, when promoting v3, then the event records previousVersion 7', async () => {
    const client = openRegistryClient(cfg);
    try {
      const p = await client.promoteVersion(3, { reason: 'better on holidays', by: 'ana' });
      assert.deepEqual([p.version, p.previousVersion, p.kind], [3, 7, 'manual']);
    } finally {
      await client.close();
    }
    const s = await readLog();
    assert.equal(championOf(s)?.version, 3);
    assert.deepEqual(s.promotions.at(-1)?.previousVersion, 7, 'the log holds previousVersion 7');
    assert.equal(s.refused.length, 0);
  });

  it('given v3 champion, when two clients promote v5 and v6 at once expecting v3, then exactly one takes effect and the other is a Conflict', async () => {
    const clients = [openRegistryClient(cfg), openRegistryClient(cfg)];
    try {
      const results = await Promise.allSettled([
        clients[0]!.promoteVersion(5, { reason: 'a', by: 'ana', expectedChampion: 3 }),
        clients[1]!.promoteVersion(6, { reason: 'b', by: 'bob', expectedChampion: 3 }),
      ]);
      const won = results.filter((r): r is PromiseFulfilledResult<ModelPromoted> => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      assert.equal(won.length, 1, JSON.stringify(results.map((r) => r.status)));
      assert.equal(lost.length, 1);
      const winner = won[0]!.value.version;
      assert.ok(lost[0]!.reason instanceof ConflictError, String(lost[0]!.reason));
      assert.equal((lost[0]!.reason as ConflictError).actual, winner, 'the conflict names the actual champion');
      const s = await readLog();
      assert.equal(championOf(s)?.version, winner);
      assert.equal(s.promotions.filter((p) => p.previousVersion === 3).length, 1, 'one promotion replaced v3');
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }
  });

  it('given both commands decided on the same champion before either appends, then the log keeps the first and the second reports Conflict', async () => {
    const champion = championOf(await readLog())!.version;
    const [a, b] = [1, 2].filter((v) => v !== champion).slice(0, 2) as [number, number];
    // a barrier after each command's first read: both decide on the same state, then both append
    let reads = 0;
    let release!: () => void;
    const bothRead = new Promise<void>((r) => (release = r));
    const command = (version: number, by: string) =>
      withRegistryView(kafka(), codec, cfg.topics, createLogger('test'), (view) => {
        let first = true;
        return runRegistryCommand(
          { type: 'promote', version, kind: 'manual', reason: 'race', by, at: Date.now() },
          {
            read: async () => {
              const s = await view.sync();
              if (first) {
                first = false;
                if (++reads === 2) release();
                await bothRead;
              }
              return s;
            },
            append: (e) => pub.modelPromoted(e),
          },
        );
      });
    const results = await Promise.allSettled([command(a, 'ana'), command(b, 'bob')]);
    assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
    const s = await readLog();
    const replaced = [...s.promotions, ...s.refused].filter((p) => p.previousVersion === champion);
    assert.equal(replaced.length, 2, 'both promotions are in the log');
    assert.equal(s.refused.filter((p) => p.previousVersion === champion).length, 1, 'the later one is refused by the fold');
    const won = results.find((r): r is PromiseFulfilledResult<ModelPromoted> => r.status === 'fulfilled')!.value;
    assert.equal(championOf(s)?.version, won.version);
    const lost = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!.reason as unknown;
    assert.ok(lost instanceof ConflictError && lost.actual === won.version, String(lost));
  });
});
