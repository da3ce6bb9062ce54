/** A one-line progress bar on stderr (redrawn in place on a terminal, every 10% otherwise). */
export function progressBar(label: string, unit: string): { update: (done: number, total: number | null) => void; done: () => void } {
  const t0 = Date.now();
  const tty = process.stderr.isTTY === true;
  let lastDecile = -1;
  let last = '';
  const update = (done: number, total: number | null) => {
    const secs = Math.max(0.001, (Date.now() - t0) / 1000);
    const rate = Math.round(done / secs);
    const pct = total ? Math.min(100, Math.floor((done * 100) / total)) : null;
    const eta = total && rate > 0 ? Math.max(0, Math.round((total - done) / rate)) : null;
    const width = 30;
    const filled = pct === null ? 0 : Math.round((pct / 100) * width);
    last = `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done.toLocaleString('en-US')}${total ? `/${total.toLocaleString('en-US')}` : ''} ${unit}${pct === null ? '' : ` ${pct}%`} ${rate.toLocaleString('en-US')} ${unit}/s${eta === null ? '' : ` eta ${eta}s`}`;
    if (tty) process.stderr.write(`\r${last}`);
    else if (pct !== null && Math.floor(pct / 10) > lastDecile) {
      lastDecile = Math.floor(pct / 10);
      process.stderr.write(`${last}\n`);
    }
  };
  return { update, done: () => tty && last && process.stderr.write('\n') };
}
