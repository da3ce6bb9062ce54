/**
 * The continuous simulator: the following weeks, forever, at the pace the
 * log says. It follows `simulation.pace` from its beginning (the latest
 * pace and pause / resume win; --rate / SIM_RATE until a pace is set) and
 * looks at it before every batch, so a change applies within a batch
 * interval (at most a second): a new pace to the current week's remaining
 * events, a pause before the next batch. Events are sent in order, once
 * each; their ids stay `store-dept-week`.
 */
import type { Kafka } from 'kafkajs';
import type { AvroCodec } from '../lib/avro/codec.js';
import type { Logger } from '../lib/log.js';
import { startTail, tailOf } from '../lib/kafka/topic-tail.js';
import { addWeeks } from '../lib/weeks.js';
import { SIMULATION_PACE_CHANGED } from '../domain/contracts.js';
import { generateWeek, type GeneratorOptions } from '../domain/simulation/generator.js';
import { batchPlan, effectivePace, evolvePace, initialPace, type PaceState } from '../domain/simulation/pace.js';
import type { SalesProducer } from '../domain/sales/io/producer.js';

/** Longest single wait: a lost wake-up costs at most this much. */
const MAX_WAIT_MS = 1000;

export interface PaceFollower {
  state(): PaceState;
  /** Resolves on the next pace change, after `ms`, or when `signal` aborts, whichever comes first. */
  changed(ms: number, signal?: AbortSignal): Promise<void>;
  stop(): Promise<void>;
}

/** Follows `topic` (simulation.pace) from the beginning; resolves once caught up with what was already in it. */
export async function followPace(deps: { kafka: Kafka; codec: AvroCodec; topic: string; log: Logger }): Promise<PaceFollower> {
  let state = initialPace;
  const waiters = new Set<() => void>();
  const tail = await startTail({
    kafka: deps.kafka,
    codec: deps.codec,
    log: deps.log,
    name: 'simulator-pace',
    topics: [
      tailOf(deps.topic, SIMULATION_PACE_CHANGED, (e) => {
        state = evolvePace(state, e);
        deps.log.info(`pace ${e.action}${e.secondsPerWeek !== null ? `: ${e.secondsPerWeek} s a week` : ''} by ${e.changedBy}${e.reason ? ` (${e.reason})` : ''}`);
        for (const wake of [...waiters]) wake();
      }),
    ],
  });
  await tail.sync();
  return {
    state: () => state,
    changed: (ms, signal) =>
      new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          waiters.delete(done);
          signal?.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, Math.max(0, ms));
        waiters.add(done);
        signal?.addEventListener('abort', done, { once: true });
      }),
    stop: () => tail.stop(),
  };
}

export interface ContinuousOptions {
  producer: SalesProducer;
  sim: GeneratorOptions & { startWeek: string };
  /** Events per second until simulation.pace sets a pace (--rate / SIM_RATE). */
  defaultRate: number;
  /** The simulator's index of the first week to produce. */
  startIndex: number;
  pace: PaceFollower;
  log: Logger;
  /** Stops after this many weeks (default: never). */
  weeks?: number;
  /** Stops after the batch being sent. */
  signal?: AbortSignal;
}

/**
 * Produces the weeks from `startIndex` on at the followed pace. A batch is
 * due one batch's worth of time (its size / events per second, at the pace
 * of the moment) after the previous one, across week boundaries too; a wait
 * wakes early on a pace change, so the new pace decides when the next batch
 * goes. Resolves after `weeks` weeks or once `signal` aborts.
 */
export async function runContinuous(o: ContinuousOptions): Promise<void> {
  const first = effectivePace(o.pace.state(), o.defaultRate, 1);
  o.log.info(`continuous: producing the following weeks ${first.source === 'event' ? `at ${first.secondsPerWeek} s a week (simulation.pace)` : `at ${o.defaultRate} events/s`}${first.paused ? ', paused' : ''} (Ctrl-C stops)`);
  let lastSentAt = 0;
  let lastSize = 0;
  for (let n = 0, index = o.startIndex; o.weeks === undefined || n < o.weeks; n++, index++) {
    const events = generateWeek({ ...o.sim, source: 'simulator', producedAt: Date.now() }, index);
    let i = 0;
    while (i < events.length) {
      if (o.signal?.aborted) return;
      const p = effectivePace(o.pace.state(), o.defaultRate, events.length);
      if (p.paused) {
        await o.pace.changed(MAX_WAIT_MS, o.signal);
        continue;
      }
      const wait = lastSentAt + (lastSize / p.eventsPerSecond) * 1000 - Date.now();
      if (wait > 0) {
        await o.pace.changed(Math.min(wait, MAX_WAIT_MS), o.signal);
        continue;
      }
      const batch = events.slice(i, i + batchPlan(p.eventsPerSecond).size);
      lastSentAt = Date.now();
      await o.producer.send(batch);
      i += batch.length;
      lastSize = batch.length;
    }
    o.log.info(`continuous: week ${events[0]?.week ?? addWeeks(o.sim.startWeek, index)} produced (${events.length} events)`);
  }
}
