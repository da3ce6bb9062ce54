import { useState } from 'preact/hooks';
import { say, write } from '../actions.js';
import { live } from '../live.js';
import { IsoDateInput } from '../date-input.js';
import { useStore } from '../store.js';

/** The XGBoost overrides the form offers (domain/training/request.ts ParamsSchema checks them on the gateway). */
const PARAM_FIELDS: { key: string; label: string; step: string; min: number; max?: number; hint: string }[] = [
  { key: 'rounds', label: 'rounds', step: '1', min: 1, max: 5000, hint: '1..5000' },
  { key: 'maxDepth', label: 'max depth', step: '1', min: 1, max: 16, hint: '1..16' },
  { key: 'eta', label: 'eta', step: 'any', min: 0, max: 1, hint: '(0, 1]' },
  { key: 'subsample', label: 'subsample', step: 'any', min: 0, max: 1, hint: '(0, 1]' },
  { key: 'colsampleBytree', label: 'colsample by tree', step: 'any', min: 0, max: 1, hint: '(0, 1]' },
  { key: 'minChildWeight', label: 'min child weight', step: 'any', min: 0, hint: '>= 0' },
  { key: 'maxBin', label: 'max bin', step: '1', min: 2, max: 1024, hint: '2..1024' },
  { key: 'earlyStopping', label: 'early stopping', step: '1', min: 0, max: 1000, hint: '0..1000 rounds' },
];

/** The filled-in parameters as numbers; a field that is not a number is named in the error. */
export function paramsOf(values: Record<string, string>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of PARAM_FIELDS) {
    const v = values[f.key]?.trim() ?? '';
    if (v === '') continue;
    const n = Number(v);
    if (!Number.isFinite(n)) throw new Error(`params.${f.key}: expected a number, got "${v}"`);
    out[f.key] = n;
  }
  return out;
}

/** Asks for a manual training run with a reason, a cut-off and XGBoost overrides, then follows it to its outcome. */
export function TrainForm() {
  const [values, setValues] = useState<Record<string, string>>({});
  const [reason, setReason] = useState('');
  const [cutoff, setCutoff] = useState('');
  const [err, setErr] = useState<string | null>(null);
  const [requestId, setRequestId] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setErr(null);
    let params: Record<string, number>;
    try {
      params = paramsOf(values);
    } catch (x) {
      setErr((x as Error).message);
      return;
    }
    setBusy(true);
    const body = { reason: reason.trim() || 'run with parameters (dashboard)', ...(cutoff ? { cutoffWeek: cutoff } : {}), ...(Object.keys(params).length > 0 ? { params } : {}) };
    const r = await write<{ requestId: string }>('/v1/ops/train', body, (x) => setErr(x.message));
    setBusy(false);
    if (r) {
      setRequestId(r.requestId);
      say(`Training requested (${r.requestId.slice(0, 8)})`);
    }
  };
  return (
    <form class="panel" data-testid="train-form" onSubmit={(e) => void submit(e)}>
      <h3>Trigger a run</h3>
      <div class="row">
        <label>
          reason
          <input data-testid="train-reason" value={reason} maxLength={500} placeholder="run with parameters (dashboard)" onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          data up to (optional)
          <IsoDateInput testId="train-cutoff" value={cutoff} onValue={setCutoff} />
        </label>
      </div>
      <ParamFields values={values} onField={(key, v) => setValues((o) => ({ ...o, [key]: v }))} />
      <div class="row" style="margin-top:8px">
        <button type="submit" data-testid="train-submit" disabled={busy}>
          {busy ? 'Requesting…' : 'Request the run'}
        </button>
        <span class="muted">Empty fields keep the trainer's defaults.</span>
      </div>
      {err ? (
        <div class="banner bad" data-testid="train-error" role="alert" style="margin-top:8px">
          {err}
        </div>
      ) : null}
      {requestId ? <RunProgress requestId={requestId} /> : null}
    </form>
  );
}

/** A field per XGBoost override, empty for the trainer's default; its hint gives the range. */
function ParamFields({ values, onField }: { values: Record<string, string>; onField: (key: string, v: string) => void }) {
  return (
    <div class="row" style="margin-top:8px">
      {PARAM_FIELDS.map((f) => (
        <label title={f.hint}>
          {f.label}
          <input data-testid={`param-${f.key}`} type="text" inputMode="decimal" style="width:96px" placeholder={f.hint} value={values[f.key] ?? ''} onInput={(e) => onField(f.key, (e.target as HTMLInputElement).value)} />
        </label>
      ))}
    </div>
  );
}

/** Where a requested run is: waiting for the trainer, its latest log line while it runs, then its outcome. */
function RunProgress({ requestId }: { requestId: string }) {
  const s = useStore(live);
  const req = s.models.requests.find((r) => r.requestId === requestId);
  const run = req?.runId ? s.models.models.find((m) => m.runId === req.runId) : undefined;
  const lines = s.training.filter((l) => (req?.runId && l.runId === req.runId) || l.text.includes(requestId.slice(0, 8)));
  const last = lines.at(-1);
  const outcome = run && run.trainedAt !== null ? run : undefined;
  return (
    <div class="banner info" data-testid="train-progress" aria-live="polite" style="margin-top:8px">
      request {requestId.slice(0, 8)}:{' '}
      {outcome ? (
        <span data-testid="train-outcome">
          run v{outcome.version} {outcome.decision}: {outcome.decisionReason}
        </span>
      ) : req?.runId ? (
        `running (${last?.text ?? 'started'})`
      ) : (
        `waiting for the trainer${last ? ` (${last.text})` : ''}`
      )}
    </div>
  );
}
