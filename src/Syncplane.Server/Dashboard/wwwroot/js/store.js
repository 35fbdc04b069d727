// What the page knows: targets, checks, the overview figures and the feed, loaded once and then kept current
// from events — an event changes the affected target in place and fetches that target's status alone.

import { api, items } from './api.js';
import { keyedDebounce } from './ui.js';

const FEED_LENGTH = 50;
// What a run event says about its target's status until the target's telemetry arrives.
const STATUS_OF = { 'run.queued': 'queued', 'run.started': 'syncing', 'run.succeeded': 'idle', 'run.failed': 'error', 'run.refused': 'idle', 'run.cancelled': 'idle' };
const RUN_ENDS = new Set(['run.succeeded', 'run.failed', 'run.refused', 'run.cancelled']);
// Events after which a target's telemetry (counts, times, errors, retries) is fetched again.
const REFETCH = new Set([...RUN_ENDS, 'run.requeued', 'target.settings_changed']);

export const store = {
  targets: new Map(), // name → target with its telemetry flattened in, in config order
  checks: new Map(), // name → check summary
  checksOverall: 'unknown',
  overview: null, // GET /overview: stale targets, queue depth, runs of the last 24 h
  alerts: null, // GET /alerts: alert states, silences, channels; read again after alert.* events
  feed: [],
  loadedAt: null,
};

const listeners = new Set();

/** Calls listener({kind, name?, event?}) on every change; returns the unsubscribe function. */
export function subscribe(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function emit(change) {
  for (const listener of [...listeners]) listener(change);
}

function flatten(target, telemetry) {
  return { name: target.name, description: target.description, layer: target.layer, ...telemetry };
}

export async function loadTargets() {
  const targets = new Map();
  let cursor = null;
  do {
    const page = await api('GET', '/targets?limit=1000' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
    for (const t of items(page)) targets.set(t.name, flatten(t, t.telemetry));
    cursor = page.next_cursor;
  } while (cursor);
  store.targets = targets;
  store.loadedAt = Date.now();
  emit({ kind: 'targets' });
}

export async function loadChecks() {
  const checks = await api('GET', '/checks');
  store.checksOverall = checks.overall;
  store.checks = new Map(items(checks).map((c) => [c.name, c]));
  emit({ kind: 'checks' });
}

export async function loadOverview() {
  store.overview = await api('GET', '/overview');
  emit({ kind: 'overview' });
}

export async function loadAlerts() {
  store.alerts = await api('GET', '/alerts');
  emit({ kind: 'alerts' });
}

const alertsSoon = keyedDebounce(300, () => loadAlerts().catch(() => {}));

const refetch = keyedDebounce(150, async (name) => {
  const known = store.targets.get(name);
  if (!known) return;
  try {
    const telemetry = await api('GET', `/targets/${encodeURIComponent(name)}/status`);
    store.targets.set(name, flatten(known, telemetry));
    emit({ kind: 'target', name });
  } catch {
    // The next event or reconnect brings it.
  }
});

/** Fetches one target's telemetry again (after an action on it). */
export const refreshTarget = (name) => refetch(name);

let overviewDue = null;
function overviewSoon() {
  if (overviewDue) return;
  overviewDue = setTimeout(() => { overviewDue = null; loadOverview().catch(() => {}); }, 5000);
}

export function applyEvent(event) {
  store.feed.unshift(event);
  if (store.feed.length > FEED_LENGTH) store.feed.length = FEED_LENGTH;
  const data = event.data || {};
  const target = event.target && store.targets.get(event.target);
  if (target) {
    if (STATUS_OF[event.type]) {
      // A run starting elsewhere while one runs does not make a syncing target queued.
      if (!(event.type === 'run.queued' && target.sync_status === 'syncing')) target.sync_status = STATUS_OF[event.type];
    }
    if (event.type === 'run.queued' || event.type === 'run.started') target.current_run_id = event.run_id;
    if (event.type === 'run.waiting') { target.sync_status = 'waiting'; target.waiting_reason = data.reason; target.waiting_until = data.until; }
    if (event.type === 'run.progress') target.progress = { run: event.run_id, done: data.done, total: data.total };
    if (RUN_ENDS.has(event.type)) {
      target.last_run_id = event.run_id;
      target.last_run_status = data.status || event.type.slice(4);
      target.last_run_message = data.message;
      target.current_run_id = null;
      target.progress = null;
    }
    if (REFETCH.has(event.type)) refetch(event.target);
    if (event.type.startsWith('run.') && event.type !== 'run.progress') overviewSoon();
  }
  if (event.type === 'check.changed' && data.name) {
    const check = store.checks.get(data.name) || { name: data.name, kind: data.kind };
    Object.assign(check, { status: data.status, message: data.message, latency_ms: data.latency_ms, checked_at: data.checked_at });
    store.checks.set(data.name, check);
    emit({ kind: 'check', name: data.name });
  }
  if (event.type.startsWith('alert.')) alertsSoon('alerts');
  emit({ kind: 'event', event, name: target ? event.target : undefined });
}
