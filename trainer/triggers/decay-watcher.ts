/**
 * Runs the decay decider (decay.ts) every few seconds: the champion's live
 * one-week-ahead errors come from the projections (its published h = 1
 * forecasts in ClickHouse `forecasts`, joined with the actuals and with the
 * actuals 52 weeks before in the sales projection), its backtest WMAE from
 * its run record. Like the other triggers it decides only through the data
 * gate; a decision is a `training.requests` event with trigger `decay` and a
 * reason that carries the numbers, its id derived from (champion, window),
 * so a restart or a second trainer asks once. Its gate covers both logs it
 * reads: `sales.weekly` (the materializer) and `forecast.published` (the
 * forecast projector), and it measures again only when one of them moved.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { Admin } from 'kafkajs';
import { dateLit, ident, rows, strLit } from '../../lib/clickhouse/client.js';
import { addWeeks } from '../../lib/weeks.js';
import type { Config } from '../../lib/config.js';
import { messageOf } from '../../lib/errors.js';
import type { Logger } from '../../lib/log.js';
import { SALES_TABLE } from '../../domain/sales/table.js';
import { FORECASTS_TABLE } from '../../domain/forecasts/table.js';
import { FORECAST_PROJECTION } from '../../domain/forecasts/io/projection.js';
import { projectorGroupId } from '../../lib/projection/projector.js';
import { HOLIDAY_WEIGHT } from '../../domain/registry/metrics.js';
import { championOf, runMetrics } from '../../domain/registry/state.js';
import type { RegistryView } from '../../domain/registry/io/view.js';
import type { EventPublisher } from '../../domain/training/io/event-publisher.js';
import { publishTraining } from '../../domain/training/diagnostics.js';
import { newRequest } from '../../domain/training/request.js';
import { SEASON_DAYS, SEASON_WEEKS } from '../../domain/baselines/baselines.js';
import { every } from '../../lib/process/periodic.js';
import { checkDataGate, committedPositions, logEnds, settleGate, type GateReporter, type GateVerdict } from './data-gate.js';
import { eventsOrThrow, foldAll } from '../../domain/decider.js';
import { decayDecider, decayReason, decayRequestId, decayThreshold, liveSummary, measureDecay, type DecayPolicy, type DecayState, type LiveWindow, type WeekErrors } from './decay.js';

/** Weeks read beyond the window: room for weeks in which the champion scored nothing (a pause, a gap in the data). */
const SLACK_WEEKS = 8;

/**
 * The last `limit` weeks in which `version`'s h = 1 forecasts met their
 * actual (and the actual a year before), ascending; [] before the tables
 * exist. One JOIN per SELECT, nested, and the year-before week filtered
 * before it is shifted and renamed (an alias named like a column replaces
 * it in WHERE too): what ClickHouse 18.16 and current releases accept.
 */
export async function liveWeekErrors(ch: ClickHouseClient, database: string, version: number, limit: number): Promise<WeekErrors[]> {
  const db = ident(database, 'database');
  const have = await rows<{ n: string }>(ch, `SELECT count() AS n FROM system.tables WHERE database = ${strLit(db)} AND name IN (${strLit(SALES_TABLE)}, ${strLit(FORECASTS_TABLE)})`);
  if (Number(have[0]?.n ?? 0) < 2) return [];
  if (!Number.isInteger(version) || version < 1 || !Number.isInteger(limit) || limit < 1) throw new RangeError(`liveWeekErrors: version ${version}, limit ${limit}`);
  // only the trailing weeks are read (and their naive a year before): the check runs every few seconds on tables that grow every week
  const latest = (await rows<{ m: string }>(ch, `SELECT toString(max(week)) AS m FROM ${db}.${SALES_TABLE}`))[0]?.m;
  if (!latest || latest === '0000-00-00') return [];
  const from = dateLit(addWeeks(latest, -(limit + SLACK_WEEKS)), 'from');
  const naiveFrom = dateLit(addWeeks(latest, -(limit + SLACK_WEEKS + SEASON_WEEKS)), 'naiveFrom');
  const naiveTo = dateLit(addWeeks(latest, -SEASON_WEEKS), 'naiveTo');
  const query = `
    SELECT toString(week) AS wk, count() AS points, sum(w) AS weight, sum(w * abs(forecast - actual)) AS abs_err, sum(w * abs(naive - actual)) AS naive_abs_err
    FROM (
      SELECT store, dept, week, forecast, actual, w FROM (
        SELECT store, dept, week, any(forecast) AS forecast FROM ${db}.${FORECASTS_TABLE} FINAL
        WHERE model_version = ${version} AND horizon = 1 AND week >= ${from} GROUP BY store, dept, week
      ) ANY INNER JOIN (
        SELECT store, dept, week, weekly_sales AS actual, if(is_holiday = 1, ${HOLIDAY_WEIGHT}, 1) AS w FROM ${db}.${SALES_TABLE} FINAL WHERE week >= ${from}
      ) USING (store, dept, week)
    ) ANY INNER JOIN (
      SELECT store, dept, addDays(year_before, ${SEASON_DAYS}) AS week, naive FROM (
        SELECT store, dept, week AS year_before, weekly_sales AS naive FROM ${db}.${SALES_TABLE} FINAL WHERE week >= ${naiveFrom} AND week <= ${naiveTo}
      )
    ) USING (store, dept, week)
    GROUP BY week ORDER BY week DESC LIMIT ${limit}`;
  const r = await rows<{ wk: string; points: string; weight: string; abs_err: string; naive_abs_err: string }>(ch, query);
  return r
    .map((x) => ({ week: x.wk, points: Number(x.points), weight: Number(x.weight), absErr: Number(x.abs_err), naiveAbsErr: Number(x.naive_abs_err) }))
    .reverse();
}

export interface DecayStatus {
  /** The champion checked, and its trailing window's figures (null before enough weeks are scored). */
  version: number | null;
  window: LiveWindow | null;
  checkedAt: number | null;
}

export interface DecayWatcher {
  status(): DecayStatus;
  /** Resolves once no check is in flight (the admin and ClickHouse clients can then be closed). */
  stop(): Promise<void>;
}

/** Even with nothing new in either log, the live window is measured again after this long (ms). */
const REMEASURE_MS = 30_000;

/** Starts checking every `everyMs` (default 10 s); `logged` are the decay requests already in the log (request ids). */
export function startDecayWatcher(o: {
  cfg: Readonly<Config>;
  admin: Admin;
  ch: ClickHouseClient;
  publisher: EventPublisher;
  view: RegistryView;
  log: Logger;
  gate: GateReporter;
  policy: DecayPolicy;
  logged: readonly { version: number; to: string }[];
  everyMs?: number;
}): DecayWatcher {
  let state: DecayState = foldAll(decayDecider, o.logged.map((l) => ({ type: 'decayRequested' as const, ...l })));
  let status: DecayStatus = { version: null, window: null, checkedAt: null };
  /**
   * The champion and the ends of both logs at the last measurement: nothing
   * new, nothing to measure, until REMEASURE_MS have passed (a measurement
   * that read the tables a moment before a row became visible is then not
   * kept forever).
   */
  let measuredAt = '';
  let measuredWhen = 0;
  const forecastGroup = projectorGroupId(FORECAST_PROJECTION, o.cfg.clickhouse.database);
  const topic = o.cfg.topics.forecastPublished;
  const forecastsGate = (): Promise<GateVerdict> => settleGate(o.admin, topic, async () => [{ name: 'forecast projector', next: await committedPositions(o.admin, forecastGroup, topic) }], 'forecast.published');

  const check = async () => {
    const champion = championOf(o.view.state());
    if (!champion) return;
    const [sales, forecasts] = await Promise.all([logEnds(o.admin, o.cfg.topics.sales), logEnds(o.admin, o.cfg.topics.forecastPublished)]);
    const key = `${champion.version}@${JSON.stringify(sales)}${JSON.stringify(forecasts)}`;
    if (key === measuredAt && Date.now() - measuredWhen < REMEASURE_MS) return;
    let verdict = await checkDataGate(o.admin, o.cfg.topics.sales, o.cfg.materializer.groupId);
    if (verdict.open) verdict = await forecastsGate();
    if (!verdict.open) return o.gate.waiting(verdict, 'decay check postponed');
    o.gate.open();
    const run = o.view.state().versions.get(champion.version);
    const backtestWmae = (run ? runMetrics(run).model?.wmae : undefined) ?? null;
    const weeks = await liveWeekErrors(o.ch, o.cfg.clickhouse.database, champion.version, o.policy.weeks);
    measuredAt = key;
    measuredWhen = Date.now();
    const before = status;
    status = { version: champion.version, window: measureDecay(weeks, o.policy, backtestWmae), checkedAt: Date.now() };
    // a refusal (an impossible policy, weeks out of order) is thrown and logged by the periodic check's catch
    const decided = eventsOrThrow(decayDecider.decide({ type: 'check', champion: { version: champion.version, backtestWmae }, weeks, policy: o.policy }, state));
    // said once per new window (a new week of actuals, or a new champion): the dashboard's Components panel shows the last
    const w = status.window;
    if (w && (before.version !== status.version || before.window?.to !== w.to || before.window.points !== w.points)) {
      const text = liveSummary(champion.version, w, o.policy);
      o.log.info(`decay: ${text}`);
      const threshold = decayThreshold(w, o.policy);
      // JSON has no Infinity: a window without a finite bar goes out as text only
      const figures = Number.isFinite(w.wmae) && Number.isFinite(threshold) ? { window: { from: w.from, to: w.to, wmae: w.wmae, threshold } } : {};
      publishTraining({ type: 'decay', version: champion.version, decayed: decided.length > 0, text, at: Date.now(), ...figures });
    }
    for (const e of decided) {
      if (e.type !== 'decayDetected') continue;
      const req = newRequest({ trigger: 'decay', reason: decayReason(e, o.policy), requestedBy: 'decay-watcher', requestId: decayRequestId(e.version, e.to) });
      await o.publisher.trainingRequested(req);
      o.log.info(`decay: requested training: ${req.reason}`);
      publishTraining({ type: 'requested', requestId: req.requestId, trigger: req.trigger, reason: req.reason, at: req.requestedAt });
      state = decayDecider.evolve(state, e);
    }
  };
  const everyMs = o.everyMs ?? 10_000;
  const timer = every(everyMs, () => check().catch((err: unknown) => o.log.warn(`decay: check failed, tried again in ${everyMs} ms: ${messageOf(err)}`)));
  return { status: () => status, stop: () => timer.stop() };
}
