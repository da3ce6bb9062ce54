import { useEffect, useState } from 'preact/hooks';
import { askToken } from './actions.js';
import { setToken } from './api.js';
import { live, reconnectLive } from './live.js';
import { useStore } from './store.js';
import { Sidebar, Toast, TokenDialog } from './sidebar.js';
import { BacktestsView } from './views/backtests.js';
import { DeadLettersView } from './views/dead-letters.js';
import { ScheduleView } from './views/schedule.js';
import { ModelsView } from './views/models.js';
import { ModelPage, versionOfHash } from './views/model-page.js';
import { PerformanceView } from './views/performance.js';
import { PredictView } from './views/predict.js';
import { StatusView } from './views/status.js';
import { TrainingView } from './views/training.js';

export const VIEWS = [
  { id: 'status', title: 'System status', render: () => <StatusView /> },
  { id: 'performance', title: 'Model performance', render: () => <PerformanceView /> },
  { id: 'training', title: 'Training log', render: () => <TrainingView /> },
  { id: 'models', title: 'Models', render: () => <ModelsView /> },
  { id: 'backtests', title: 'Backtests', render: () => <BacktestsView /> },
  { id: 'schedule', title: 'Schedule', render: () => <ScheduleView /> },
  { id: 'dead-letters', title: 'Dead letters', render: () => <DeadLettersView /> },
  { id: 'predict', title: 'Predict test', render: () => <PredictView /> },
] as const;

function currentView(): string {
  // a view may carry more after its id: #/models/v3, #/models?compare=2,3
  const id = location.hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '';
  return VIEWS.some((v) => v.id === id) ? id : 'status';
}

/** Layout: the sidebar with navigation and actions, and the view picked by the URL hash. */
export function App() {
  const [view, setView] = useState(currentView());
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const on = () => {
      setView(currentView());
      setHash(location.hash);
    };
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  const v = VIEWS.find((x) => x.id === view) ?? VIEWS[0];
  const page = view === 'models' ? versionOfHash(hash) : null;
  const { needsToken } = useStore(live);
  const unlock = async () => {
    const t = await askToken();
    if (t) {
      setToken(t);
      reconnectLive();
    }
  };
  return (
    <div class="layout">
      <Sidebar view={view} />
      <main>
        <h2>{page !== null ? `${v.title} › v${page}` : v.title}</h2>
        {needsToken ? (
          <div class="banner bad">
            This gateway's reads are closed: <button onClick={() => void unlock()}>enter the token</button>
          </div>
        ) : null}
        {page !== null ? <ModelPage version={page} /> : v.render()}
      </main>
      <TokenDialog />
      <Toast />
    </div>
  );
}
