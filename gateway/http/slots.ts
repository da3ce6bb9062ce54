/**
 * A fixed number of concurrent holders of something expensive (a streaming
 * export holds a ClickHouse connection for as long as the client reads).
 * Over capacity a caller is refused at once rather than queued: a queue
 * would keep every waiting request, its socket and its memory open.
 */
export class Slots {
  private used = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity: expected an integer >= 1, got ${capacity}`);
  }

  /** A slot's release function (calling it again does nothing), or null when every slot is taken. */
  tryTake(): (() => void) | null {
    if (this.used >= this.capacity) return null;
    this.used += 1;
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.used -= 1;
    };
  }

  /** Slots held now. */
  get inUse(): number {
    return this.used;
  }
}
