import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { createApi, type Api } from './lib/api';
import { AppState } from './lib/app-state.svelte';
import { takeToken } from './lib/token';

let api: Api | null = null;
let problem: string | null = null;
try {
  api = createApi(window, () => takeToken(window.location, window.history, window.sessionStorage));
} catch (err) {
  problem = err instanceof Error ? err.message : String(err);
}

mount(App, { target: document.getElementById('app')!, props: { app: api ? new AppState(api) : null, problem } });
