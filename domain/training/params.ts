/** The XGBoost step's parameters and its progress lines: shared by the trainer, the backtest, the gateway and the dashboard feed. */

/** XGBoost settings passed to train.py (its DEFAULTS fill the rest). */
export interface XgbParams {
  rounds?: number;
  maxDepth?: number;
  eta?: number;
  earlyStopping?: number;
  nthread?: number;
  subsample?: number;
  colsampleBytree?: number;
  minChildWeight?: number;
  maxBin?: number;
  seed?: number;
}

/** One line from train.py (or its stderr, wrapped as type 'stderr'). */
export type TrainerLine =
  | { type: 'log'; msg: string }
  | { type: 'progress'; round: number; of: number; validMae?: number | null }
  | { type: 'done'; bestIteration: number; timings: Record<string, number> }
  | { type: 'error'; code: string; msg: string }
  | { type: 'stderr'; msg: string };
