import { useEffect, useState } from 'preact/hooks';
import { api } from './api.js';
import { live } from './live.js';
import { useStore } from './store.js';
import type { Catalog } from './api-types.js';


/** The gateway's series catalog, refetched when the set of series changes. */
export function useCatalog(): Catalog | null {
  const s = useStore(live);
  const [cat, setCat] = useState<Catalog | null>(null);
  const n = s.totals?.series ?? 0;
  useEffect(() => {
    api<Catalog>('GET', '/v1/catalog').then(setCat, () => setCat(null));
  }, [n]);
  return cat;
}

/** Store and department selects over the catalog. */
export function SeriesPicker({ store, dept, onChange }: { store: number; dept: number; onChange: (store: number, dept: number) => void }) {
  const cat = useCatalog();
  const depts = cat?.stores.find((s) => s.store === store)?.depts ?? [];
  useEffect(() => {
    // pick the first series once the catalog arrives, or when the chosen one does not exist
    if (!cat || cat.stores.length === 0) return;
    const st = cat.stores.find((s) => s.store === store) ?? cat.stores[0]!;
    const d = st.depts.includes(dept) ? dept : st.depts[0]!;
    if (st.store !== store || d !== dept) onChange(st.store, d);
  }, [cat]);
  return (
    <>
      <label>
        store
        <select data-testid="pick-store" value={store} onChange={(e) => {
          const st = Number((e.target as HTMLSelectElement).value);
          onChange(st, cat?.stores.find((s) => s.store === st)?.depts[0] ?? 1);
        }}>
          {cat?.stores.map((s) => <option value={s.store}>{s.store}</option>)}
        </select>
      </label>
      <label>
        dept
        <select data-testid="pick-dept" value={dept} onChange={(e) => onChange(store, Number((e.target as HTMLSelectElement).value))}>
          {depts.map((d) => <option value={d}>{d}</option>)}
        </select>
      </label>
    </>
  );
}
