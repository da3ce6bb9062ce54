import { useEffect, useState } from 'preact/hooks';

/** A tiny observable value: views subscribe with `useStore`, the socket layer writes with `set`. */
export class Store<T> {
  private listeners = new Set<() => void>();
  constructor(private value: T) {}

  get(): T {
    return this.value;
  }

  /** Replaces the value (or patches it through `fn`) and notifies subscribers once. */
  set(next: T | ((v: T) => T)): void {
    this.value = typeof next === 'function' ? (next as (v: T) => T)(this.value) : next;
    for (const l of this.listeners) l();
  }

  subscribe(l: () => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
}

/** Re-renders the calling component whenever the store changes; returns the current value. */
export function useStore<T>(store: Store<T>): T {
  const [, bump] = useState(0);
  useEffect(() => store.subscribe(() => bump((n) => n + 1)), [store]);
  return store.get();
}
