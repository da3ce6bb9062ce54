/**
 * Replay benchmark: the full generated history (~420k events) is produced
 * into fresh topics, materialized live, then replayed from the beginning into
 * a separate database through replay's own consumer group, ending with the
 * checksum comparison. Prints wall time and events per second.
 */
import { randomUUID } from 'node:crypto';
import { loadConfig, topicNames, withOverrides } from '../lib/config.js';
import { createClickhouse, exec } from '../lib/clickhouse/client.js';
import { createKafka } from '../lib/kafka/client.js';
import { setLogLevel } from '../lib/log.js';
import { bootstrapContracts } from '../lib/kafka/bootstrap.js';
import { startMaterializer } from '../consumers/materializer/main.js';
import { selectProjections } from '../consumers/replay/projections.js';
import { replay } from '../consumers/replay/replay.js';
import { generateHistory } from '../domain/simulation/generator.js';
import { SalesProducer } from '../domain/sales/io/producer.js';

setLogLevel('warn');
const tag = `r${Date.now().toString(36)}${randomUUID().slice(0, 4)}`;
const cfg = withOverrides(loadConfig(), (d) => {
  d.topics = topicNames(`${tag}.`);
  d.clickhouse.database = `bench_${tag}`;
  d.materializer.groupId = `${tag}-materializer`;
});
const target = `${cfg.clickhouse.database}_replay`;
const ch = createClickhouse(cfg);
const kafka = createKafka(cfg, 'bench');
try {
  const codec = await bootstrapContracts(cfg);
  const producer = await SalesProducer.connect(kafka, codec, cfg);
  const events = [...generateHistory({ producedAt: Date.now() })];
  await producer.send(events);
  await producer.disconnect();
  const m = await startMaterializer(cfg);
  while (m.counts().rows < events.length) await new Promise((r) => setTimeout(r, 200));
  await m.stop();
  const r = await replay(cfg, { target, projections: selectProjections(['sales']), from: { kind: 'beginning' } });
  console.table({
    events: r.events,
    'replay wall s': +r.seconds.toFixed(2),
    'events/s': Math.round(r.eventsPerSecond),
    'checksum equal': String(r.comparison?.equal),
  });
} finally {
  await exec(ch, `DROP DATABASE IF EXISTS ${target}`).catch(() => undefined);
  await exec(ch, `DROP DATABASE IF EXISTS ${cfg.clickhouse.database}`).catch(() => undefined);
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: Object.values(cfg.topics) }).catch(() => undefined);
  await admin.disconnect();
  await ch.close();
}
