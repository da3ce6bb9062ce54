import { useEffect, useRef, useState } from 'preact/hooks';
import { injectNextWeek, toast, tokenRequest, trainNow } from './actions.js';
import { VIEWS } from './app.js';
import { live, type LiveState } from './live.js';
import { useStore } from './store.js';
import { fmt, plural } from './format.js';
import { PaceControl } from './pace-control.js';
import { NowStrip } from './now-strip.js';
import { setTheme, theme, type ThemeChoice } from './theme.js';

/** Navigation, headline facts, the two actions the demo is driven with, and the simulator's pace. */
export function Sidebar({ view }: { view: string }) {
  const s = useStore(live);
  return (
    <aside>
      <h1>Weekly sales forecasting</h1>
      <Facts s={s} />
      <NowStrip />
      <Nav view={view} deadLetters={s.totals?.deadLetters} />
      <DemoActions />
      <PaceControl />
      <ThemePicker />
      <div class="facts" style="margin-top:auto">
        <a href="/docs" style="color:#c9d4e6">API docs</a>
        <a href="/metrics" style="color:#c9d4e6">Prometheus metrics</a>
      </div>
    </aside>
  );
}

/** The headline facts: connection, latest week, the version serving, series, and dead letters if any. */
function Facts({ s }: { s: LiveState }) {
  return (
    <div class="facts">
      <span data-testid="connection">
        <span class={`dot ${s.connected ? 'ok' : 'bad'}`} />
        {s.connected ? 'live' : 'reconnecting…'}
      </span>
      <span>
        latest week <b data-testid="latest-week">{s.totals?.latestWeek ?? '–'}</b>
      </span>
      <span>
        serving <b data-testid="serving-version">{s.model?.serving != null ? `v${s.model.serving}` : 'no model'}</b>
        {s.model?.champion != null && s.model.champion !== s.model.serving ? ` (champion v${s.model.champion})` : ''}
      </span>
      <span>
        series <b>{fmt(s.totals?.series)}</b>
      </span>
      {s.totals?.deadLetters ? (
        <a href="#/dead-letters" class="side-alert" data-testid="dead-letter-alert">
          <span class="dot wait" aria-hidden="true" />
          {plural(s.totals.deadLetters, 'dead letter')}
        </a>
      ) : null}
    </div>
  );
}

/** A link per view, the current one marked; the dead letters' link carries their count. */
function Nav({ view, deadLetters }: { view: string; deadLetters: number | null | undefined }) {
  return (
    <nav>
      {VIEWS.map((v) => (
        <a href={`#/${v.id}`} class={v.id === view ? 'active' : ''} data-testid={`nav-${v.id}`}>
          {v.title}
          {v.id === 'dead-letters' && deadLetters ? (
            <span class="badge" data-testid="nav-dead-letters-count" aria-label={plural(deadLetters, 'dead letter')}>
              {fmt(deadLetters)}
            </span>
          ) : null}
        </a>
      ))}
    </nav>
  );
}

/** Inject next week and Train now, both disabled while either is under way. */
function DemoActions() {
  const [busy, setBusy] = useState<string | null>(null);
  const run = (name: string, fn: () => Promise<void>) => async () => {
    setBusy(name);
    try {
      await fn();
    } finally {
      setBusy(null);
    }
  };
  return (
    <>
      <button data-testid="inject-next-week" disabled={busy !== null} onClick={run('inject', injectNextWeek)}>
        {busy === 'inject' ? 'Injecting…' : 'Inject next week'}
      </button>
      <button data-testid="train-now" class="secondary" disabled={busy !== null} onClick={run('train', trainNow)}>
        {busy === 'train' ? 'Requesting…' : 'Train now'}
      </button>
    </>
  );
}

/** Light, dark, or as the operating system says; kept in this browser. */
function ThemePicker() {
  const { choice } = useStore(theme);
  return (
    <label>
      theme
      <select data-testid="theme" value={choice} onChange={(e) => setTheme((e.target as HTMLSelectElement).value as ThemeChoice)}>
        <option value="system">as the system</option>
        <option value="light">light</option>
        <option value="dark">dark</option>
      </select>
    </label>
  );
}

/** Asks for the gateway token when a write needs one (kept for this browser session). */
export function TokenDialog() {
  const request = useStore(tokenRequest);
  const [value, setValue] = useState('');
  const form = useRef<HTMLFormElement>(null);
  const input = useRef<HTMLInputElement>(null);
  // the input takes the focus (autofocus only works on page load); it goes back to the opener when the dialog closes
  useEffect(() => {
    if (!request) return;
    input.current?.focus();
    return () => giveFocusBack(request.opener);
  }, [request]);
  if (!request) return null;
  const done = (t: string | null) => {
    tokenRequest.set(null);
    setValue('');
    request.resolve(t);
  };
  return (
    <div class="modal" role="dialog" aria-modal="true" aria-labelledby="token-title" onKeyDown={(e) => trapKeys(e, form.current, () => done(null))}>
      <form
        ref={form}
        class="panel"
        data-testid="token-dialog"
        onSubmit={(e) => {
          e.preventDefault();
          done(value.trim() || null);
        }}
      >
        <h3 id="token-title">Gateway token</h3>
        <span class="muted">Write operations need the bearer token from the gateway's configuration (GATEWAY_TOKEN).</span>
        <input ref={input} data-testid="token-input" type="password" aria-label="gateway token" value={value} onInput={(e) => setValue((e.target as HTMLInputElement).value)} />
        <div class="row">
          <button type="submit" data-testid="token-ok">
            OK
          </button>
          <button type="button" class="secondary" data-testid="token-cancel" onClick={() => done(null)}>
            Cancel
          </button>
        </div>
      </form>
    </div>
  );
}

/**
 * Focus back to the control that opened a dialog. That control (Train now) is
 * disabled while its action waits on the dialog and re-enabled only after the
 * action settles, a moment after the dialog closes; a disabled button cannot
 * take the focus, so wait for it (up to a second).
 */
function giveFocusBack(el: HTMLElement | null, triesLeft = 50): void {
  if (!el?.isConnected) return;
  if ((el as HTMLButtonElement).disabled && triesLeft > 0) {
    setTimeout(() => giveFocusBack(el, triesLeft - 1), 20);
    return;
  }
  el.focus();
}

/** A dialog's keys: Escape cancels; Tab and Shift+Tab cycle through its own controls only (a focus trap). */
function trapKeys(e: KeyboardEvent, root: HTMLElement | null, cancel: () => void): void {
  if (e.key === 'Escape') {
    e.preventDefault();
    cancel();
    return;
  }
  if (e.key !== 'Tab' || !root) return;
  const focusable = [...root.querySelectorAll<HTMLElement>('input, button, select, textarea, a[href], [tabindex]:not([tabindex="-1"])')].filter((el) => !el.hasAttribute('disabled'));
  if (focusable.length === 0) return;
  const first = focusable[0]!;
  const last = focusable[focusable.length - 1]!;
  const inside = root.contains(document.activeElement);
  if (e.shiftKey && (document.activeElement === first || !inside)) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && (document.activeElement === last || !inside)) {
    e.preventDefault();
    first.focus();
  }
}

/**
 * The latest message, in live regions that exist before any message does
 * (so screen readers announce it): polite for news, assertive for failures.
 */
export function Toast() {
  const t = useStore(toast);
  return (
    <>
      <div role="status" aria-live="polite" data-testid="toast-region">
        {t && !t.bad ? (
          <div class="toast" data-testid="toast">
            {t.text}
          </div>
        ) : null}
      </div>
      <div role="alert" aria-live="assertive" data-testid="alert-region">
        {t?.bad ? (
          <div class="toast bad" data-testid="toast">
            {t.text}
          </div>
        ) : null}
      </div>
    </>
  );
}
