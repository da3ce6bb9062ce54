/**
 * The model log (requests, runs, promotions, annotations, aliases) folded
 * into the gateway's registry, and what each change sets off: a line in the
 * training log, a registry change on the status, the new champion loaded
 * and the alias models synced (only once the online state has caught up:
 * during the replay only the last champion is loaded).
 */
import { championOf, isRefused } from '../../domain/registry/state.js';
import { lineOfModelLog } from '../live/training-feed.js';
import type { Parts } from '../parts.js';
import { evolveGatewayRegistry, initialGatewayRegistry, type GatewayRegistry, type ModelLogEvent } from './registry-fold.js';

export class ModelLog {
  registry: GatewayRegistry = initialGatewayRegistry;

  constructor(
    private readonly p: Pick<Parts, 'status' | 'loader' | 'aliasModels'>,
    private readonly caughtUp: () => boolean,
  ) {}

  /** The champion's promotion, or null before the first. */
  champion() {
    return championOf(this.registry.registry);
  }

  apply(e: ModelLogEvent): void {
    const { status, loader, aliasModels } = this.p;
    const before = championOf(this.registry.registry);
    this.registry = evolveGatewayRegistry(this.registry, e);
    if (e.type === 'annotated' || e.type === 'aliased') {
      status.registryChanged();
      if (e.type === 'aliased' && this.caughtUp()) aliasModels.sync();
      return;
    }
    const refused = e.type === 'promoted' && isRefused(this.registry.registry, e.event);
    status.trainingLine(refused ? lineOfModelLog(e, before?.version ?? null) : lineOfModelLog(e));
    status.registryChanged();
    // a promotion the fold refused (it did not replace the champion it named) loads nothing
    const champion = championOf(this.registry.registry);
    // once the new champion serves, an alias naming the old one needs its own model (sync loads it)
    if (e.type === 'promoted' && this.caughtUp() && champion && champion !== before) void loader.request(champion).then(() => aliasModels.sync());
  }
}
