/**
 * Whether each promotion took effect, for the projection's `applied`
 * column: the registry fold (state.ts) refuses a promotion that does not
 * replace the champion it names, and the SQL views must agree with it. That
 * rule depends on every earlier promotion, so the projector folds the
 * promotion log itself, in offset order (one partition), starting from the
 * rows it already wrote. A redelivered offset gets the answer it got the
 * first time (the log at an offset never changes).
 */
import { AppError } from '../../../lib/errors.js';
import type { ModelPromoted } from '../../../schemas/types.js';
import { emptyRegistry, evolveRegistry, type RegistryState } from '../state.js';
import { promotionOfRow, type LogPosition, type PromotionRow } from './rows.js';

export class PromotionOutcomes {
  private state: RegistryState = emptyRegistry;
  private next = 0n;
  private readonly byOffset = new Map<string, boolean>();

  /** Whether the promotion at `at` took effect; offsets must come in log order (redeliveries of seen offsets allowed). */
  applied(e: ModelPromoted, at: LogPosition): boolean {
    const key = `${at.partition}/${at.offset}`;
    const seen = this.byOffset.get(key);
    if (seen !== undefined) return seen;
    if (BigInt(at.offset) < this.next) throw new AppError('PROMOTION_ORDER', `promotion at ${key} arrived after later offsets were judged`);
    const before = this.state.promotions.length;
    this.state = evolveRegistry(this.state, { type: 'promoted', event: e });
    const applied = this.state.promotions.length > before;
    this.byOffset.set(key, applied);
    this.next = BigInt(at.offset) + 1n;
    return applied;
  }

  /** Outcomes for the rows already in the table, in log order (the projector's restart or a redelivery into existing tables: ../io/projection/promotion-outcomes.ts reads them). */
  static fromRows(rows: readonly PromotionRow[]): PromotionOutcomes {
    const out = new PromotionOutcomes();
    for (const row of rows) out.applied(promotionOfRow(row), { partition: Number(row.kafka_partition), offset: String(row.kafka_offset) });
    return out;
  }
}
