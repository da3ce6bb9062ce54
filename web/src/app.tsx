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
  const id = location.hash.replace(/^#\/?/, '');
  return VIEWS.some((v) => v.id === id) ? id : 'status';
}

/** Layout: the sidebar with navigation and actions, and the view picked by the URL hash. */
export function App() {
  const [view, setView] = useState(currentView());
  useEffect(() => {
    const on = () => setView(currentView());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  const v = VIEWS.find((x) => x.id === view) ?? VIEWS[0];
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
        <h2>{v.title}</h2>
        {needsToken ? (
          <div class="banner bad">
            This gateway's reads are closed: <button onClick={() => void unlock()}>enter the token</button>
          </div>
        ) : null}
        {v.render()}
      </main>
      <TokenDialog />
      <Toast />
    </div>
  );
}
