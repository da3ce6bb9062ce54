import type { Config } from '../../../../lib/config.js';
import { messageOf } from '../../../../lib/errors.js';
import type { Logger } from '../../../../lib/log.js';
import { startProjector } from '../../../../lib/projection/projector.js';
import { BACKTEST_PROJECTION } from './spec.js';

/**
 * Runs the backtest projector until both backtest topics are written (at
 * most 30 s), so a listing shows what was just appended. A failure here
 * only delays the listing: it is logged, not thrown.
 */
export async function catchUpProjection(cfg: Readonly<Config>, log: Logger): Promise<void> {
  try {
    const p = await startProjector(cfg, BACKTEST_PROJECTION, { log: log.child('projector'), flushRows: 1_000, flushMs: 100 });
    try {
      if (!(await p.caughtUp(30_000))) log.warn('the backtest projection did not catch up within 30 s; listings will show this backtest once it does');
    } finally {
      await p.stop();
    }
  } catch (err) {
    log.warn(`the backtest projection was not updated: ${messageOf(err)}`);
  }
}
