/**
 * Search, sort and paging of the Runs and Models tables, through the
 * gateway's MLflow-style search (GET /v1/runs|/v1/models?filter=&order_by=
 * &max_results=&page_token=). The page is asked again whenever the live feed
 * shows the registry changed, and every few seconds, so a searched table
 * stays live. When the search cannot answer (the registry projection is not
 * in ClickHouse yet), the table shows every version from the live feed and
 * says why.
 */
import { useEffect, useState } from 'preact/hooks';
import type { ModelRow } from '../../domain/live/protocol.js';
import { api, ApiError } from './api.js';
import { usePoll } from './poll.js';

/** Rows per page. */
export const PAGE_SIZE = 25;
/**
 * The page is asked again this often (ms) besides on every change of the
 * live feed: the projection in ClickHouse may lag the feed by a moment, and
 * a search that was unavailable turns on once the projector has run.
 */
const REFRESH_MS = 5_000;

export interface Sort {
  /** A search field: metrics.wape, attributes.trained_at... */
  key: string;
  desc: boolean;
}

export interface RunSearch {
  /** The rows to draw: the page found, or the live rows while the search is unavailable. */
  rows: ModelRow[];
  input: string;
  setInput(text: string): void;
  /** Whether a filter is applied (the box may hold one not submitted yet). */
  filtered: boolean;
  /** Runs the filter typed in the box (from the first page). */
  submit(): void;
  clear(): void;
  sort: Sort | null;
  /** Sorts by `key`: ascending first, then descending, then back to the default order. */
  toggleSort(key: string): void;
  page: number;
  hasNext: boolean;
  next(): void;
  prev(): void;
  /** The gateway's refusal of the filter (it names the field and what was expected). */
  error: string | null;
  /** Why the table is not searchable right now (null when it is). */
  unavailable: string | null;
  loading: boolean;
}

/** The search query string of one page. */
export function searchQuery(filter: string, sort: Sort | null, token: string | null, size = PAGE_SIZE): string {
  const q = new URLSearchParams();
  if (filter.trim() !== '') q.set('filter', filter.trim());
  if (sort) q.set('order_by', `${sort.key} ${sort.desc ? 'DESC' : 'ASC'}`);
  q.set('max_results', String(size));
  if (token) q.set('page_token', token);
  return q.toString();
}

/** What of the live rows makes a new page worth asking for: versions, stages, tags, aliases. */
function signature(rows: readonly ModelRow[]): string {
  return rows.map((r) => `${r.version}:${r.stage}:${Object.entries(r.tags).join(',')}:${r.aliases.join(',')}`).join('|');
}

interface Found {
  rows: ModelRow[];
  next: string | null;
}

/** One page of the search as the gateway answered it, and whether it is being asked. */
interface SearchPage {
  found: Found | null;
  /** The gateway's refusal of the filter (a 400). */
  error: string | null;
  clearError(): void;
  /** Why the search cannot answer (anything but a 400). */
  unavailable: string | null;
  loading: boolean;
}

/** Asks the gateway for the page `token` opens; again on every change of `live` and every REFRESH_MS. */
function useSearchPage(listing: 'runs' | 'models', filter: string, sort: Sort | null, page: number, token: string | null, live: string): SearchPage {
  const [found, setFound] = useState<Found | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [unavailable, setUnavailable] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [tick, setTick] = useState(0);
  // the dashboard's one polling loop drives the refresh: a tick re-runs the search below
  usePoll(() => setTick((n) => n + 1), REFRESH_MS, [], { immediate: false });
  useEffect(() => {
    let current = true;
    setLoading(true);
    const path = `/v1/${listing}?${searchQuery(filter, sort, token)}`;
    api<{ runs?: ModelRow[]; models?: ModelRow[]; next_page_token: string | null }>('GET', path)
      .then((r) => {
        if (!current) return;
        setFound({ rows: (listing === 'runs' ? r.runs : r.models) ?? [], next: r.next_page_token });
        setError(null);
        setUnavailable(null);
      })
      .catch((err: unknown) => {
        if (!current) return;
        if (err instanceof ApiError && err.status === 400) setError(err.message);
        else {
          setFound(null);
          setUnavailable(err instanceof Error ? err.message : String(err));
        }
      })
      .finally(() => current && setLoading(false));
    return () => {
      current = false;
    };
  }, [listing, filter, sort?.key, sort?.desc, page, token, live, tick]);
  return { found, error, clearError: () => setError(null), unavailable, loading };
}

/** A searchable, sortable, paged listing of `listing` (runs or models), live rows as its fallback. */
export function useRunSearch(listing: 'runs' | 'models', liveRows: ModelRow[]): RunSearch {
  const [input, setInput] = useState('');
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<Sort | null>(null);
  // tokens[i] opens page i (null: the first)
  const [tokens, setTokens] = useState<(string | null)[]>([null]);
  const page = tokens.length - 1;
  const { found, error, clearError, unavailable, loading } = useSearchPage(listing, filter, sort, page, tokens[page] ?? null, signature(liveRows));
  const restart = () => setTokens([null]);
  return {
    rows: unavailable !== null || !found ? liveRows : found.rows,
    input,
    setInput,
    filtered: filter.trim() !== '',
    submit: () => {
      setFilter(input);
      restart();
    },
    clear: () => {
      setInput('');
      setFilter('');
      clearError();
      restart();
    },
    sort,
    toggleSort: (key) => {
      setSort((s) => (s?.key !== key ? { key, desc: false } : s.desc ? null : { key, desc: true }));
      restart();
    },
    page,
    hasNext: !!found?.next && unavailable === null,
    next: () => found?.next && setTokens((t) => [...t, found.next]),
    prev: () => setTokens((t) => (t.length > 1 ? t.slice(0, -1) : t)),
    error,
    unavailable,
    loading,
  };
}

/** The search box above a table: a filter in MLflow's syntax, Search and Clear, the gateway's refusal. */
export function SearchBar({ search, label, testId }: { search: RunSearch; label: string; testId: string }) {
  return (
    <div class="search-bar" data-testid={testId} aria-busy={search.loading}>
      <form
        class="row"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          search.submit();
        }}
      >
        <input
          type="search"
          class="search-input"
          aria-label={label}
          placeholder="metrics.wape < 0.12 and tags.team = 'x'"
          value={search.input}
          onInput={(e) => search.setInput((e.target as HTMLInputElement).value)}
          data-testid={`${testId}-input`}
          disabled={search.unavailable !== null}
        />
        <button type="submit" class="small" data-testid={`${testId}-go`} disabled={search.unavailable !== null}>
          Search
        </button>
        <button type="button" class="secondary small" data-testid={`${testId}-clear`} onClick={search.clear}>
          Clear
        </button>
      </form>
      {search.error ? (
        <p class="error" role="alert" data-testid={`${testId}-error`}>
          {search.error}
        </p>
      ) : null}
      {search.unavailable ? (
        <p class="muted" data-testid={`${testId}-unavailable`}>
          Search unavailable ({search.unavailable}); showing every version from the live feed.
        </p>
      ) : null}
    </div>
  );
}

/** A column header that sorts the search by `field` (aria-sort says how it is sorted now). */
export function SortHeader({ search, field, label, num }: { search: RunSearch; field: string; label: string; num?: boolean }) {
  const on = search.sort?.key === field ? search.sort : null;
  return (
    <th class={num ? 'num' : ''} aria-sort={on ? (on.desc ? 'descending' : 'ascending') : 'none'}>
      <button type="button" class="sort" data-testid={`sort-${field}`} disabled={search.unavailable !== null} onClick={() => search.toggleSort(field)}>
        {label}
        <span aria-hidden="true">{on ? (on.desc ? ' ▼' : ' ▲') : ''}</span>
      </button>
    </th>
  );
}

/** Previous and next page, and which page this is. */
export function Pager({ search, testId }: { search: RunSearch; testId: string }) {
  if (search.unavailable !== null || (search.page === 0 && !search.hasNext)) return null;
  return (
    <div class="row pager" data-testid={testId}>
      <button type="button" class="secondary small" data-testid={`${testId}-prev`} disabled={search.page === 0} onClick={search.prev}>
        Previous
      </button>
      <span class="muted" data-testid={`${testId}-page`}>
        page {search.page + 1}
      </span>
      <button type="button" class="secondary small" data-testid={`${testId}-next`} disabled={!search.hasNext} onClick={search.next}>
        Next
      </button>
    </div>
  );
}
