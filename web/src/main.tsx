import { render } from 'preact';
import { App } from './app.js';
import { token } from './api.js';
import { connectLive } from './live.js';
import './styles.css';
import { initTheme } from './theme.js';

// the theme before the first render, so a dark page never flashes light
initTheme();
connectLive(() => token.get());
render(<App />, document.getElementById('app')!);
