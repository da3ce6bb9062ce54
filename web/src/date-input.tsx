/** A valid calendar date written YYYY-MM-DD (2013-02-30 is not one). */
export function isIsoDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

const DAY_MS = 86_400_000;
const dayOf = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / DAY_MS;
const isoOf = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/**
 * The two weeks of a 7-day grid around `week` (the one before, the one
 * after), or null when `week` is on the grid; `anchor` is any week of the
 * grid (e.g. a series' last known week). Both dates YYYY-MM-DD.
 */
export function nearestWeeks(anchor: string, week: string): [string, string] | null {
  if (!isIsoDate(anchor) || !isIsoDate(week)) return null;
  const off = (((dayOf(week) - dayOf(anchor)) % 7) + 7) % 7;
  return off === 0 ? null : [isoOf(dayOf(week) - off), isoOf(dayOf(week) - off + 7)];
}

/**
 * A date field that reads and writes YYYY-MM-DD whatever the browser's
 * locale (a native date input shows mm/dd/yyyy in en-US), marked invalid
 * while what is typed is not a real date.
 */
export function IsoDateInput({ value, onValue, testId, label }: { value: string; onValue: (v: string) => void; testId: string; label?: string }) {
  const bad = value !== '' && !isIsoDate(value);
  return (
    <input
      data-testid={testId}
      type="text"
      inputMode="numeric"
      placeholder="YYYY-MM-DD"
      pattern="\d{4}-\d{2}-\d{2}"
      maxLength={10}
      size={11}
      aria-label={label}
      aria-invalid={bad ? 'true' : undefined}
      title={bad ? 'expected a date written YYYY-MM-DD' : undefined}
      value={value}
      onInput={(e) => onValue((e.target as HTMLInputElement).value.trim())}
    />
  );
}
