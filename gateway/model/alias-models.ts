/**
 * The models named by aliases besides the champion ("challenger",
 * "pinned"...), so a request can ask for one (`?alias=pinned`). Each aliased
 * version has its own holder (the same lease and atomic swap as the
 * champion's); a version that is the champion being served is leased from
 * the champion's holder instead of being loaded twice. Versions are loaded
 * when an alias names them (`sync`, after every alias change) or on the
 * first request, and released when no alias names them any more.
 */
import { NotFoundError, messageOf } from '../../lib/errors.js';
import type { Logger } from '../../lib/log.js';
import { artifactOfVersion, type RegistryState } from '../../domain/registry/state.js';
import { HttpError } from '../http/errors.js';
import { ModelHolder, type LoadedModel } from './holder.js';
import type { ArtifactRef } from './loader.js';
import { noModel } from '../predict/predictor.js';

/** The alias a request names when it names none. */
export const CHAMPION = 'champion';

export interface AliasModelsDeps {
  open: (ref: ArtifactRef) => Promise<LoadedModel>;
  registry: () => RegistryState;
  champion: ModelHolder;
  log: Logger;
  /** How long a request waits for its alias's model to load before a 503 (ms, default 30 s). */
  waitMs?: number;
}

/** A model leased for one request, and the name that chose it. */
export interface ServedModel {
  model: LoadedModel;
  alias: string;
  release(): void;
}

interface Slot {
  holder: ModelHolder;
  loading: Promise<void> | null;
  error: string | null;
}

export class AliasModels {
  private readonly slots = new Map<number, Slot>();

  constructor(private readonly deps: AliasModelsDeps) {}

  /** Versions with a loaded model besides the champion's holder (tests, status). */
  loadedVersions(): number[] {
    return [...this.slots].filter(([, s]) => s.holder.current !== null).map(([v]) => v).sort((a, b) => a - b);
  }

  /** Starts loading every aliased version not loaded yet, and releases the versions no alias names. */
  sync(): void {
    const wanted = new Set(this.deps.registry().aliases.values());
    for (const [v, slot] of this.slots) {
      if (wanted.has(v)) continue;
      this.slots.delete(v);
      slot.holder.retire();
    }
    for (const v of wanted) if (this.deps.champion.current?.version !== v) void this.ensure(v).catch(() => undefined);
  }

  /** Leases the model `alias` names (the champion when undefined or "champion"). 404 for an unknown alias, 503 while it cannot be loaded. */
  async lease(alias: string | undefined): Promise<ServedModel> {
    const name = alias ?? CHAMPION;
    if (name === CHAMPION) {
      if (!this.deps.champion.current) throw noModel(this.deps.champion);
      return served(this.deps.champion, name);
    }
    const version = this.deps.registry().aliases.get(name);
    if (version === undefined) throw new NotFoundError(`alias ${name}`);
    if (this.deps.champion.current?.version === version) return served(this.deps.champion, name);
    const slot = this.slotOf(version);
    if (!slot.holder.current) await this.waitFor(version, name);
    return served(slot.holder, name);
  }

  async close(): Promise<void> {
    const all = [...this.slots.values()];
    this.slots.clear();
    await Promise.allSettled(all.map((s) => s.holder.close()));
  }

  private slotOf(version: number): Slot {
    let slot = this.slots.get(version);
    if (!slot) this.slots.set(version, (slot = { holder: new ModelHolder(), loading: null, error: null }));
    return slot;
  }

  /** Loads a version into its slot once (concurrent callers share the load). */
  private ensure(version: number): Promise<void> {
    const slot = this.slotOf(version);
    if (slot.holder.current) return Promise.resolve();
    if (slot.loading) return slot.loading;
    const ref = artifactOfVersion(this.deps.registry(), version);
    if (!ref) return Promise.reject(new Error(`v${version} has no model artifact`));
    slot.loading = this.deps
      .open({ version, runId: ref.runId, artifactSha256: ref.sha256, artifactUri: ref.uri })
      .then((model) => {
        // the alias may have moved on while this loaded: keep it only if the slot is still wanted
        if (this.slots.get(version) === slot) {
          slot.holder.swap(model);
          slot.error = null;
          this.deps.log.info(`aliased model v${version} loaded`);
        } else void model.scorer.release();
      })
      .catch((err: unknown) => {
        slot.error = messageOf(err);
        this.deps.log.error(`aliased model v${version} not loaded: ${slot.error}`);
        throw err;
      })
      .finally(() => (slot.loading = null));
    return slot.loading;
  }

  private async waitFor(version: number, alias: string): Promise<void> {
    const unavailable = (why: string) =>
      new HttpError(503, 'NO_MODEL', `model v${version} (alias ${alias}) is not loaded yet: ${why}`, { headers: { 'retry-after': '5' }, retriable: true });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(unavailable('still loading')), this.deps.waitMs ?? 30_000);
    });
    try {
      await Promise.race([this.ensure(version), timeout]);
    } catch (err) {
      throw err instanceof HttpError ? err : unavailable(messageOf(err));
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Runs `fn` with the model `alias` names (default the champion), leased for the whole call. */
export async function withServedModel<T>(models: AliasModels, alias: string | undefined, fn: (model: LoadedModel, alias: string) => Promise<T>): Promise<T> {
  const s = await models.lease(alias);
  try {
    return await fn(s.model, s.alias);
  } finally {
    s.release();
  }
}

function served(holder: ModelHolder, alias: string): ServedModel {
  const lease = holder.lease();
  if (!lease) throw new HttpError(503, 'NO_MODEL', `no model is being served as ${alias} yet`, { headers: { 'retry-after': '5' }, retriable: true });
  return { model: lease.model, alias, release: lease.release };
}
