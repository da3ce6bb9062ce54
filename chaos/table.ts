import type { ScenarioResult } from './scenario.js';

/** The results as a Markdown table (the same text goes to the terminal and the README). */
export function resultTable(results: ScenarioResult[]): string {
  const head = ['scenario', 'events', 'rows', 'checksum equal', 'restarts', 'time to recover', 'longest pause', 'result'];
  const lines = results.map((r) => [
    r.scenario,
    String(r.events),
    String(r.rows),
    r.checksumEqual ? 'yes' : 'NO',
    String(r.restarts),
    Number.isFinite(r.recoverS) ? `${r.recoverS.toFixed(1)} s` : '-',
    r.pauseS !== undefined ? `${r.pauseS.toFixed(1)} s` : '-',
    r.ok ? 'pass' : `FAIL${r.error ? `: ${r.error}` : ''}`,
  ]);
  const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [row(head), row(head.map(() => '---')), ...lines.map(row)].join('\n');
}
