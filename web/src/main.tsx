import { render } from 'preact';
import { App } from './app.js';
import { token } from './api.js';
import { connectLive } from './live.js';
import './styles.css';

connectLive(() => token.get());
render(<App />, document.getElementById('app')!);
