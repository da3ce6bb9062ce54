/** The Models table's CSV columns, kept apart from the view so the file download does not tangle with its layout. */
import type { ModelRow } from '../../../domain/live/protocol.js';
import { wapeOf } from '../format.js';
import type { Column } from '../table.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Every version with its stage, aliases, tags, description, trigger, holdout WAPEs, data window and times (unrounded). */
export const MODEL_CSV_COLUMNS: Column<ModelRow>[] = [
  { header: 'version', csv: (m) => m.version },
  { header: 'stage', csv: (m) => m.stage },
  { header: 'aliases', csv: (m) => m.aliases.join(' ') },
  { header: 'tags', csv: (m) => JSON.stringify(m.tags) },
  { header: 'description', csv: (m) => m.description },
  { header: 'trigger', csv: (m) => m.trigger },
  { header: 'wape', csv: (m) => wapeOf(m.metrics, 'model') },
  { header: 'seasonal naive wape', csv: (m) => wapeOf(m.metrics, 'seasonalNaive') },
  { header: 'champion then wape', csv: (m) => wapeOf(m.metrics, 'champion') },
  { header: 'data up to', csv: (m) => m.dataMaxWeek },
  { header: 'rows', csv: (m) => m.dataRows },
  { header: 'params', csv: (m) => JSON.stringify(m.params) },
  { header: 'decision', csv: (m) => m.decision },
  { header: 'decision reason', csv: (m) => m.decisionReason },
  { header: 'trained', csv: (m) => iso(m.trainedAt) },
  { header: 'artifact sha256', csv: (m) => m.artifactSha256 },
];
