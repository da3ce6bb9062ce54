/**
 * The colour theme: light, dark, or following the operating system, chosen
 * in the sidebar and kept in localStorage. The resolved theme is the
 * `data-theme` attribute of <html> (the stylesheet keys on it), and charts
 * read their canvas colours from the same CSS variables, since a canvas
 * cannot use `var()`.
 */
import { Store } from './store.js';

export type ThemeChoice = 'system' | 'light' | 'dark';
export interface ThemeState {
  choice: ThemeChoice;
  /** What is shown: the choice, or the system's preference under 'system'. */
  resolved: 'light' | 'dark';
}

const KEY = 'forecast.theme';
const dark = () => typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches;
const resolve = (choice: ThemeChoice): 'light' | 'dark' => (choice === 'system' ? (dark() ? 'dark' : 'light') : choice);

function stored(): ThemeChoice {
  try {
    const v = localStorage.getItem(KEY);
    return v === 'light' || v === 'dark' ? v : 'system';
  } catch {
    // storage can be off (privacy settings): follow the system
    return 'system';
  }
}

export const theme = new Store<ThemeState>({ choice: 'system', resolved: 'light' });

function apply(choice: ThemeChoice): void {
  const resolved = resolve(choice);
  document.documentElement.dataset.theme = resolved;
  theme.set({ choice, resolved });
}

/** Applies the stored choice (before the first render, so nothing flashes) and follows the system while the choice is 'system'. */
export function initTheme(): void {
  apply(stored());
  if (typeof matchMedia === 'function') matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => theme.get().choice === 'system' && apply('system'));
}

/** Sets and keeps the reader's choice. */
export function setTheme(choice: ThemeChoice): void {
  try {
    if (choice === 'system') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, choice);
  } catch {
    // not kept across reloads, still applied now
  }
  apply(choice);
}

/** A CSS colour for a canvas: `var(--name)` resolved against the current theme, anything else as given. */
export function cssColor(c: string): string {
  const m = /^var\((--[\w-]+)\)$/.exec(c);
  return m ? getComputedStyle(document.documentElement).getPropertyValue(m[1]!).trim() || c : c;
}
