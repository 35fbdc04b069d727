// Syncplane dashboard: the shell (token, connection state, messages) and the hash router; one module per view.
// Views: mount(root, params) → unmount function; a new view adds a line to VIEWS and a link in index.html.

import { ApiError, explain, session, setToken, whoami } from './api.js';
import * as live from './live.js';
import { applyEvent, loadAlerts, loadChecks, loadOverview, loadTargets, store } from './store.js';
import { $, refreshTimes, say } from './ui.js';
import * as overview from './views/overview.js';
import * as target from './views/target.js';
import * as checks from './views/checks.js';
import * as layers from './views/layers.js';
import * as alerts from './views/alerts.js';
import * as audit from './views/audit.js';

const VIEWS = { '': overview, target, checks, layers, alerts, audit };

let unmount = () => {};
let started = false;

function route() {
  const [name = '', ...rest] = location.hash.replace(/^#\/?/, '').split('/');
  const view = VIEWS[name] || overview;
  unmount();
  const root = $('#view');
  root.replaceChildren();
  for (const link of document.querySelectorAll('nav a[data-route]')) {
    if (link.dataset.route === (VIEWS[name] ? name : '')) link.setAttribute('aria-current', 'page'); else link.removeAttribute('aria-current');
  }
  if (!started) return;
  unmount = view.mount(root, rest.map(decodeURIComponent)) || (() => {});
}

function showConnection(state) {
  const indicator = $('#connection');
  indicator.dataset.state = state;
  const since = live.connection.liveAt ? ` (data from ${new Date(live.connection.liveAt).toLocaleTimeString()})` : '';
  indicator.textContent = { live: 'live', connecting: 'connecting…', reconnecting: `reconnecting…${since}`, offline: 'offline' }[state];
  const stale = state === 'reconnecting' && live.connection.liveAt !== null;
  if (stale) document.body.dataset.stale = 'true'; else delete document.body.dataset.stale;
}

function onConnection(state, was) {
  showConnection(state);
  if (state === 'reconnecting' && was === 'live') {
    say(`Lost the server at ${new Date().toLocaleTimeString()}: what you see is from then and marked stale. Reconnecting…`, 'outage');
  }
  if (state === 'live' && was !== 'live' && was !== 'connecting') {
    if ($('#message').dataset.kind === 'outage') say('');
    // Events missed while away were replayed from Last-Event-ID; figures computed by the server are read once again.
    Promise.allSettled([loadTargets(), loadChecks(), loadOverview(), loadAlerts()]);
  }
}

async function useToken(token) {
  setToken(token);
  live.stop();
  started = false;
  $('#whoami').textContent = '';
  // The data is asked for together with who the token is: the first render waits for one round trip, not two.
  const loaded = Promise.all([loadTargets(), loadChecks().catch(() => {}), loadOverview().catch(() => {}), loadAlerts().catch(() => {})]);
  loaded.catch(() => {}); // when whoami fails, its error is the one shown
  try {
    const me = await whoami();
    $('#whoami').textContent = `${me.name} · ${me.role}${me.project ? ` · project ${me.project}` : ''}`;
    document.body.dataset.role = me.role;
    await loaded;
    if (['auth', 'outage'].includes($('#message').dataset.kind)) say('');
    started = true;
    route();
    live.open();
  } catch (error) {
    delete document.body.dataset.role;
    route();
    say(explain('Viewing targets', error), error instanceof ApiError && (error.status === 401 || error.status === 403) ? 'auth' : 'error');
    if (!(error instanceof ApiError)) setTimeout(() => { if (!started && session.token === token) useToken(token); }, 5000);
  }
}

document.addEventListener('DOMContentLoaded', () => {
  live.start(applyEvent, onConnection);
  $('#token').value = session.token;
  $('#token-form').addEventListener('submit', (e) => { e.preventDefault(); useToken($('#token').value.trim()); });
  $('#token-clear').addEventListener('click', () => { $('#token').value = ''; useToken(''); say('Token forgotten.', 'info'); });
  window.addEventListener('hashchange', () => { route(); $('#view').focus({ preventScroll: true }); });
  const bar = $('.bar');
  new ResizeObserver(() => document.documentElement.style.setProperty('--bar-height', bar.offsetHeight + 'px')).observe(bar);
  setInterval(() => refreshTimes(), 15000);
  useToken(session.token);
});

// For the benchmark and tests: what the page holds.
window.syncplane = { store, connection: live.connection };
