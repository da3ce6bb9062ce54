/**
 * The forecast projection's producer side (publisher.ts says why the
 * gateway computes it): after a promotion or a burst of new weeks, publish
 * the champion's forecasts of what went stale, and fold what was published
 * into this replica's cache at once.
 */
import type { AvroCodec } from '../../lib/avro/codec.js';
import { seriesKey } from '../../schemas/types.js';
import type { Parts } from '../parts.js';
import { applyPublished } from './feed.js';
import { startForecastLoop } from './publisher.js';

/** Starts the loop when GATEWAY_PUBLISH_FORECASTS is on; resolves the function that stops it and disconnects its producer. */
export async function startForecasts(
  p: Pick<Parts, 'cfg' | 'kafka' | 'log' | 'publisher' | 'forecasts' | 'store' | 'accuracy' | 'status' | 'holder'>,
  codec: AvroCodec,
  state: { isCaughtUp(): boolean; lastSalesAt(): number },
): Promise<() => Promise<void>> {
  if (!p.cfg.gateway.publishForecasts) return async () => undefined;
  const producer = p.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const topic = p.cfg.topics.forecastPublished;
  p.publisher.connect({
    send: async (events) => {
      await producer.send({ topic, acks: -1, messages: events.map((e) => ({ key: seriesKey(e.store, e.dept), value: codec.encode('forecastPublished', e) })) });
    },
    published: (events) => {
      for (const e of events) applyPublished({ cache: p.forecasts, store: p.store, accuracy: p.accuracy }, e);
      p.status.accuracyChanged();
    },
  });
  const stop = startForecastLoop({
    publisher: p.publisher,
    holder: p.holder,
    isCaughtUp: () => state.isCaughtUp(),
    lastSalesAt: () => state.lastSalesAt(),
    log: p.log,
    afterPass: () => {
      if (p.store.latestWeek) p.accuracy.prune(p.store.latestWeek);
    },
  });
  return async () => {
    stop();
    await producer.disconnect();
  };
}
