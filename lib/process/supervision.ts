/**
 * What the process supervisor (`npm start`) says about the processes it
 * runs, as a small JSON file under the stack folder: the gateway reads it
 * for the dashboard's Components panel and /metrics. One writer (the
 * supervisor), written whole by rename, so a reader never sees half a file.
 */
import { existsSync, readFileSync, renameSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface SupervisedProcess {
  name: string;
  /** null while it is down (between an exit and its restart) */
  pid: number | null;
  restarts: number;
  /** epoch ms of the current start */
  since: number;
  /** how the last run ended, e.g. "exit 1" or "SIGKILL", or null when it never ended */
  lastExit: string | null;
  lastExitAt: number | null;
}

export interface SupervisionState {
  supervisorPid: number;
  updatedAt: number;
  processes: SupervisedProcess[];
}

/** Where the supervisor of a stack folder writes its state. */
export function supervisionFile(stackDir: string): string {
  return join(stackDir, 'run', 'supervisor.json');
}

/** Writes the state atomically (temp file, then rename). */
export function writeSupervision(stackDir: string, s: SupervisionState): void {
  const f = supervisionFile(stackDir);
  mkdirSync(dirname(f), { recursive: true });
  writeFileSync(`${f}.tmp`, JSON.stringify(s));
  renameSync(`${f}.tmp`, f);
}

/** The state, or null when no supervisor runs this stack (no file, a dead supervisor, or an unreadable file). */
export function readSupervision(stackDir: string): SupervisionState | null {
  const f = supervisionFile(stackDir);
  if (!existsSync(f)) return null;
  try {
    const s = JSON.parse(readFileSync(f, 'utf8')) as SupervisionState;
    process.kill(s.supervisorPid, 0);
    return s;
  } catch {
    return null;
  }
}
