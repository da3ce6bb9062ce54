/**
 * The gateway SIGKILLed under load and restarted by the supervisor: while
 * it comes back, /readyz answers false (or nothing) until the online state
 * and the model are back, and no forecast it gives differs from the answers
 * recorded before the restart (a 503 is honest; a different number is wrong).
 */
import { AvroCodec } from '../lib/avro/codec.js';
import { AppError } from '../lib/errors.js';
import { createKafka } from '../lib/kafka/client.js';
import { eventually } from '../lib/testing.js';
import { EventPublisher } from '../domain/training/io/event-publisher.js';
import { newRequest } from '../domain/training/request.js';
import { PROCESSES, type FaultContext, type Scenario } from './scenario.js';

interface Probe {
  status: number | null;
  body: string;
}

async function get(url: string): Promise<Probe> {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    return { status: r.status, body: await r.text() };
  } catch {
    return { status: null, body: '' };
  }
}

/** The part of a forecast that must not change across a restart: origin and points (not timings). */
function answerOf(body: string): string {
  const b = JSON.parse(body) as { origin?: unknown; points?: unknown };
  return JSON.stringify([b.origin, b.points]);
}

/** What the load saw: answers compared with the recorded ones, and /readyz after the kill. */
interface LoadReport {
  requests: number;
  ok: number;
  unavailable: number;
  wrong: string[];
  readyFalseSeen: boolean;
  readyAgainAt: number | null;
}

export function gatewayRestart(sim: Scenario['sim']): Scenario {
  const series = [1, 2, 3].flatMap((store) => [1, 2].map((dept) => `store=${store}&dept=${dept}`));
  let stopLoad = () => undefined as void;
  let loadDone: Promise<LoadReport> = Promise.resolve({ requests: 0, ok: 0, unavailable: 0, wrong: [], readyFalseSeen: false, readyAgainAt: null });
  const base = (ctx: FaultContext) => `http://127.0.0.1:${ctx.cfg.gateway.port}`;
  return {
    id: 'gateway-restart',
    name: 'gateway restarted under load',
    sim,
    processes: [PROCESSES.materializer!, PROCESSES.registryProjector!, PROCESSES.trainer!, PROCESSES.gateway!],
    async fault(ctx) {
      if (!(await eventually(async () => (await ctx.rows()) >= ctx.total, 180_000, 500))) throw new AppError('CHAOS', 'the history never reached ClickHouse');
      const publisher = await EventPublisher.connect(createKafka(ctx.cfg, 'chaos-requests'), AvroCodec.fromConfig(ctx.cfg), ctx.cfg.topics);
      await publisher.trainingRequested(newRequest({ trigger: 'manual', reason: 'chaos: a model to serve', requestedBy: 'chaos' }));
      await publisher.disconnect();
      if (!(await eventually(async () => (await get(`${base(ctx)}/readyz`)).status === 200, 300_000, 1_000))) throw new AppError('CHAOS', 'the gateway never became ready with a model');
      const expected = new Map<string, string>();
      for (const q of series) {
        const r = await get(`${base(ctx)}/v1/forecast?${q}`);
        if (r.status !== 200) throw new AppError('CHAOS', `forecast ${q} before the restart: ${r.status} ${r.body}`);
        expected.set(q, answerOf(r.body));
      }
      let running = true;
      stopLoad = () => void (running = false);
      const killedAt = { at: 0 };
      loadDone = runLoad(base(ctx), expected, () => running, killedAt);
      await new Promise((r) => setTimeout(r, 2_000));
      const g = ctx.supervisor.processes().find((p) => p.name === 'gateway');
      if (!g?.pid) throw new AppError('CHAOS', 'the gateway is not running');
      process.kill(g.pid, 'SIGKILL');
      killedAt.at = Date.now();
    },
    async after(ctx) {
      const ready = await eventually(async () => (await get(`${base(ctx)}/readyz`)).status === 200, 300_000, 500);
      await new Promise((r) => setTimeout(r, 3_000)); // some load on the restarted gateway too
      stopLoad();
      const rep = await loadDone;
      ctx.recoveredAt = rep.readyAgainAt ?? Date.now();
      ctx.log.info(`load: ${rep.requests} requests, ${rep.ok} equal answers, ${rep.unavailable} unavailable (503 or refused), ${rep.wrong.length} wrong`);
      if (!ready) throw new AppError('CHAOS', 'the gateway did not become ready again');
      if (rep.wrong.length > 0) throw new AppError('CHAOS', `${rep.wrong.length} wrong answers, first: ${rep.wrong[0]}`);
      if (!rep.readyFalseSeen) throw new AppError('CHAOS', '/readyz never answered false or refused after the kill');
    },
  };
}

/** Requests every series in turn, and /readyz, until told to stop; compares each 200 with the recorded answer. */
async function runLoad(base: string, expected: Map<string, string>, running: () => boolean, killed: { at: number }): Promise<LoadReport> {
  const rep: LoadReport = { requests: 0, ok: 0, unavailable: 0, wrong: [], readyFalseSeen: false, readyAgainAt: null };
  // bounded, so a scenario that failed before stopping the load does not leave it running
  const until = Date.now() + 600_000;
  while (running() && Date.now() < until) {
    for (const [q, want] of expected) {
      const r = await get(`${base}/v1/forecast?${q}`);
      rep.requests++;
      if (r.status === 200 && answerOf(r.body) === want) rep.ok++;
      else if (r.status === null || r.status === 503) rep.unavailable++;
      else rep.wrong.push(`${q}: ${r.status} ${r.body.slice(0, 200)}`);
    }
    if (killed.at > 0) {
      const ready = await get(`${base}/readyz`);
      if (ready.status !== 200) rep.readyFalseSeen = true;
      else if (rep.readyAgainAt === null && rep.readyFalseSeen) rep.readyAgainAt = Date.now();
    }
  }
  return rep;
}
