/**
 * The webhook consumer: every `model.trained` and `model.promoted` is POSTed
 * as JSON signed the Standard Webhooks way (deliver.ts) to each configured URL (WEBHOOK_URLS), with retries; a URL
 * that still fails gets a dead-letter record (the original bytes, the URL's
 * host and fingerprint and the last failure as the reason), and the stream moves on. Offsets are
 * committed after every URL has been tried, so a restart re-delivers at most
 * the last batch (receivers dedupe on the body's `id`). The consumer edge is
 * lib/projection/handler-sink.ts: an event its contract refuses is
 * dead-lettered, a registry outage retried, a bug stops the process.
 * Run: npx tsx consumers/webhooks/main.ts
 */
import type { Config } from '../../lib/config.js';
import { DeadLetters } from '../../lib/kafka/dead-letter.js';
import { createKafka } from '../../lib/kafka/client.js';
import { createLogger, type Logger } from '../../lib/log.js';
import { runBuffered, type RunningConsumer } from '../../lib/kafka/runner.js';
import { handlerSink, on } from '../../lib/projection/handler-sink.js';
import { AvroCodec } from '../../lib/avro/codec.js';
import { MODEL_PROMOTED, MODEL_TRAINED } from '../../domain/contracts.js';
import { runConsumerProcess } from '../main.js';
import { redactText, redactUrl } from '../../lib/redact.js';
import { deliver, webhookBody, webhookId, type WebhookEvent } from './deliver.js';

export interface WebhookConsumer {
  running: RunningConsumer;
  /** deliveries that succeeded, and those dead-lettered */
  counts(): { delivered: number; failed: number };
  stop(): Promise<void>;
}

/** Starts the consumer (group `webhooks:<model.trained topic>` by default). */
export async function startWebhooks(cfg: Readonly<Config>, opts: { log?: Logger; groupId?: string; baseMs?: number; /** a new group starts at the end of the topics (default), not at the first event ever */ fromBeginning?: boolean } = {}): Promise<WebhookConsumer> {
  const log = opts.log ?? createLogger('webhooks');
  if (cfg.webhooks.urls.length > 0 && !cfg.webhooks.secret) {
    log.warn('WEBHOOK_SECRET is empty: deliveries go unsigned, so a receiver cannot tell them from forgeries or replays; set WEBHOOK_SECRET=whsec_$(openssl rand -base64 32)');
  }
  const groupId = opts.groupId ?? `webhooks:${cfg.topics.modelTrained}`;
  const kafka = createKafka(cfg, 'webhooks');
  const codec = AvroCodec.fromConfig(cfg);
  const dead = await DeadLetters.connect(kafka, cfg.topics.deadLetter, groupId);
  const counts = { delivered: 0, failed: 0 };
  /** POSTs one event to every URL; a URL that still fails after its retries leaves a dead letter naming it, and the next URL is tried. */
  const deliverAll = async (e: WebhookEvent, deadLetter: (reason: string) => void) => {
    const body = webhookBody(e, Date.now());
    for (const url of cfg.webhooks.urls) {
      const r = await deliver(url, webhookId(e), body, cfg.webhooks.secret, cfg.webhooks.maxAttempts, opts.baseMs);
      if (r.ok) {
        counts.delivered++;
        continue;
      }
      counts.failed++;
      // the URL is the secret for Slack-style hooks: logs and the (openly readable) dead letter name its host and a fingerprint
      const where = `webhook ${redactUrl(url)}`;
      log.warn(`${where}: ${e.type} not delivered after ${r.attempts} attempts (${redactText(r.reason)}); dead-lettered`);
      deadLetter(`${where}: ${r.reason} after ${r.attempts} attempts`);
    }
  };
  // the one consumer edge: an event its contract refuses is dead-lettered, a registry outage retried, a bug stops the process
  const sink = handlerSink({ codec, deadLetters: dead }, {
    [cfg.topics.modelTrained]: on(MODEL_TRAINED, (event, _d, deadLetter) => deliverAll({ type: 'model.trained', event }, deadLetter)),
    [cfg.topics.modelPromoted]: on(MODEL_PROMOTED, (event, _d, deadLetter) => deliverAll({ type: 'model.promoted', event }, deadLetter)),
  });
  const running = await runBuffered({ kafka, groupId, topics: [cfg.topics.modelTrained, cfg.topics.modelPromoted], fromBeginning: opts.fromBeginning ?? false, flushRows: 100, flushMs: 100, log, sink });
  return {
    running,
    counts: () => ({ ...counts }),
    async stop() {
      await running.stop();
      await dead.disconnect();
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runConsumerProcess('webhooks', async (cfg, log) => {
    if (cfg.webhooks.urls.length === 0) log.warn('WEBHOOK_URLS is empty: events are consumed and nothing is delivered');
    const w = await startWebhooks(cfg, { log });
    log.info(`delivering ${cfg.topics.modelTrained} and ${cfg.topics.modelPromoted} to ${cfg.webhooks.urls.length} URL(s)`);
    return w;
  });
}
