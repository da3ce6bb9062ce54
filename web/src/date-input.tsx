/** A valid calendar date written YYYY-MM-DD (2013-02-30 is not one). */
export function isIsoDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
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
