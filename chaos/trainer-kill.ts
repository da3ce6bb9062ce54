/**
 * The trainer SIGKILLed in the middle of a run (its Python child with it):
 * the request is still unanswered in the log, so the restarted trainer runs
 * it, once, and exactly one `model.trained` answers it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AvroCodec } from '../lib/avro/codec.js';
import { AppError } from '../lib/errors.js';
import { createKafka } from '../lib/kafka/client.js';
import { createLogger } from '../lib/log.js';
import { startTail, tailOf } from '../lib/kafka/topic-tail.js';
import { eventually } from '../lib/testing.js';
import { MODEL_TRAINED } from '../domain/contracts.js';
import { EventPublisher } from '../domain/training/io/event-publisher.js';
import { newRequest } from '../domain/training/request.js';
import type { Config } from '../lib/config.js';
import type { ModelTrained } from '../schemas/types.js';
import { PROCESSES, type FaultContext, type Scenario } from './scenario.js';

/** Every model.trained on the log now. */
export async function trainedRuns(cfg: Readonly<Config>): Promise<ModelTrained[]> {
  const out: ModelTrained[] = [];
  const tail = await startTail({ kafka: createKafka(cfg, 'chaos-reader'), codec: AvroCodec.fromConfig(cfg), topics: [tailOf(cfg.topics.modelTrained, MODEL_TRAINED, (v) => out.push(v))], log: createLogger('chaos-reader'), name: 'chaos-reader' });
  try {
    await tail.sync();
  } finally {
    await tail.stop();
  }
  return out;
}

/** Lines of a process's output file written since `from` characters. */
export function outputSince(ctx: FaultContext, name: string, from: number): string {
  const f = join(ctx.logDir, `${name}.log`);
  return existsSync(f) ? readFileSync(f, 'utf8').slice(from) : '';
}

export function trainerKill(sim: Scenario['sim']): Scenario {
  let requestId = '';
  return {
    id: 'trainer-kill',
    name: 'trainer SIGKILL mid-run',
    sim,
    processes: [PROCESSES.materializer!, PROCESSES.registryProjector!, PROCESSES.trainer!],
    async fault(ctx) {
      if (!(await eventually(async () => (await ctx.rows()) >= ctx.total, 180_000, 500))) throw new AppError('CHAOS', 'the history never reached ClickHouse');
      const publisher = await EventPublisher.connect(createKafka(ctx.cfg, 'chaos-requests'), AvroCodec.fromConfig(ctx.cfg), ctx.cfg.topics);
      const mark = outputSince(ctx, 'trainer', 0).length;
      const req = newRequest({ trigger: 'manual', reason: 'chaos: killed mid-run', requestedBy: 'chaos' });
      requestId = req.requestId;
      await publisher.trainingRequested(req);
      await publisher.disconnect();
      // the Python step is under way once the split is logged: strike then
      const midRun = await eventually(() => /training rows/.test(outputSince(ctx, 'trainer', mark)), 180_000, 100);
      if (!midRun) throw new AppError('CHAOS', 'the trainer never started the run');
      await new Promise((r) => setTimeout(r, 500));
      const t = ctx.supervisor.processes().find((p) => p.name === 'trainer');
      if (!t?.pid) throw new AppError('CHAOS', 'the trainer is not running');
      process.kill(-t.pid, 'SIGKILL'); // the whole group: the Python child dies too
    },
    async after(ctx) {
      const answered = (runs: ModelTrained[]) => runs.filter((r) => r.requestIds.includes(requestId));
      if (!(await eventually(async () => answered(await trainedRuns(ctx.cfg)).length > 0, 300_000, 2_000))) {
        throw new AppError('CHAOS', `no model.trained for request ${requestId} after the restart`);
      }
      ctx.recoveredAt = Date.now();
      // a second run would come right after the first: give it time to show itself
      await new Promise((r) => setTimeout(r, 10_000));
      const n = answered(await trainedRuns(ctx.cfg)).length;
      if (n !== 1) throw new AppError('CHAOS', `request ${requestId} has ${n} model.trained events, expected exactly 1`);
    },
  };
}
