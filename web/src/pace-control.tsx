import { useState } from 'preact/hooks';
import type { PaceStatus } from '../../domain/live/protocol.js';
import { say, write } from './actions.js';
import { live } from './live.js';
import { useStore } from './store.js';
import type { Pace } from './api-types.js';

/** POST /v1/simulation/pace's answer, as far as the control reads it. */
type PaceAnswer = Pick<Pace, 'secondsPerWeek' | 'eventsPerSecond' | 'paused'>;

const PRESETS: { label: string; seconds: number }[] = [
  { label: '15 s', seconds: 15 },
  { label: '45 s', seconds: 45 },
  { label: '2 min', seconds: 120 },
];

/** "45 s" or "2 min 30 s". */
function seconds(s: number): string {
  if (s < 120) return `${Math.round(s * 10) / 10} s`;
  const m = Math.floor(s / 60);
  const r = Math.round(s - m * 60);
  return r === 0 ? `${m} min` : `${m} min ${r} s`;
}

/** Seconds per simulated week and pause / resume, as simulation.pace events (the simulator follows them within a second). */
export function PaceControl() {
  const s = useStore(live);
  const pace: PaceStatus | null = s.pace;
  const [custom, setCustom] = useState('');
  const [busy, setBusy] = useState(false);
  const send = async (body: { action: 'paced' | 'paused' | 'resumed'; secondsPerWeek?: number }) => {
    setBusy(true);
    try {
      const r = await write<PaceAnswer>('/v1/simulation/pace', { ...body, reason: 'dashboard' });
      if (!r) return;
      // the next tick carries the same; showing it now answers the click at once
      live.set((st) => ({ ...st, pace: st.pace === null ? null : { ...st.pace, secondsPerWeek: r.secondsPerWeek, eventsPerSecond: r.eventsPerSecond, paused: r.paused } }));
      say(body.action === 'paced' ? `Pace: a week every ${seconds(r.secondsPerWeek)}` : r.paused ? 'Simulator paused' : 'Simulator resumed');
    } finally {
      setBusy(false);
    }
  };
  const n = Number(custom);
  const valid = custom.trim() !== '' && Number.isInteger(n) && n >= 5 && n <= 3600;
  return (
    <div class="pace" data-testid="pace-control">
      <span class="facts">
        <span>
          simulator{' '}
          <b data-testid="pace-state">{pace === null ? '–' : pace.paused ? 'paused' : `a week every ${seconds(pace.secondsPerWeek)}`}</b>
        </span>
        {pace !== null && !pace.paused ? <span data-testid="pace-rate">{pace.eventsPerSecond} events/s{pace.source === 'default' ? ' (SIM_RATE)' : ''}</span> : null}
      </span>
      <div class="presets" role="group" aria-label="seconds per simulated week">
        {PRESETS.map((p) => (
          <button
            class={`small ${pace?.secondsPerWeek === p.seconds && pace.source === 'event' ? '' : 'secondary'}`}
            data-testid={`pace-${p.seconds}`}
            disabled={busy}
            aria-pressed={pace?.secondsPerWeek === p.seconds && pace.source === 'event'}
            onClick={() => void send({ action: 'paced', secondsPerWeek: p.seconds })}
          >
            {p.label}
          </button>
        ))}
      </div>
      <form
        class="presets"
        onSubmit={(e) => {
          e.preventDefault();
          if (valid) void send({ action: 'paced', secondsPerWeek: n }).then(() => setCustom(''));
        }}
      >
        <input data-testid="pace-seconds" type="number" min={5} max={3600} step={1} placeholder="s / week" aria-label="seconds per simulated week (5 to 3600)" value={custom} onInput={(e) => setCustom((e.target as HTMLInputElement).value)} />
        <button type="submit" class="small secondary" data-testid="pace-set" disabled={busy || !valid}>
          Set
        </button>
      </form>
      <button data-testid="pace-toggle" class="secondary" disabled={busy || pace === null} onClick={() => void send({ action: pace?.paused ? 'resumed' : 'paused' })}>
        {pace?.paused ? 'Resume the simulator' : 'Pause the simulator'}
      </button>
    </div>
  );
}
