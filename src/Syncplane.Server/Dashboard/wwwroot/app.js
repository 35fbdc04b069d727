// Syncplane dashboard: plain JavaScript over the REST API (/api/v1) and its event stream (/api/v1/events).
// Text goes into the page with textContent only; the token lives in localStorage and the token field, nowhere else.
'use strict';

(() => {
  const FREQUENCIES = ['manual', 'realtime', '5min', '10min', '30min', 'hourly', 'daily'];
  const EVENT_TYPES = ['run.queued', 'run.started', 'run.progress', 'run.succeeded', 'run.failed', 'run.refused', 'run.cancelled',
    'run.requeued', 'run.waiting', 'items.changed', 'target.settings_changed', 'webhook.received', 'check.changed'];
  // What a run event says about the run, and about its target's status.
  const RUN_STATUS = { 'run.queued': 'queued', 'run.requeued': 'queued', 'run.started': 'running', 'run.progress': 'running',
    'run.succeeded': 'succeeded', 'run.failed': 'failed', 'run.refused': 'refused', 'run.cancelled': 'cancelled' };
  const TARGET_STATUS = { queued: 'queued', running: 'syncing', succeeded: 'idle', failed: 'error', refused: 'idle', cancelled: 'idle' };
  const TOKEN_KEY = 'syncplane.token';
  const REFRESH_LIVE_MS = 30000;
  const REFRESH_OFFLINE_MS = 5000;
  const FEED_LENGTH = 50;

  const state = {
    token: localStorage.getItem(TOKEN_KEY) || '',
    targets: new Map(), // name → target as the API returns it
    lastRun: new Map(), // name → { id, status }
    runs: [],
    source: null,
    live: false,
    refreshQueued: null,
    logRunId: null,
  };

  const $ = (selector) => document.querySelector(selector);

  function el(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (value !== undefined && value !== null && value !== false) node.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children) node.append(child instanceof Node ? child : String(child ?? ''));
    return node;
  }

  // ---- API ----------------------------------------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, problem) {
      const detail = problem && typeof problem === 'object' ? (problem.detail || problem.title || '') : String(problem || '');
      super(detail);
      this.status = status;
      this.detail = detail;
    }
  }

  async function api(method, path, body) {
    const headers = { Accept: 'application/json' };
    if (state.token) headers.Authorization = 'Bearer ' + state.token;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch('/api/v1' + path, { method, headers, cache: 'no-store', body: body === undefined ? undefined : JSON.stringify(body) });
    const json = (response.headers.get('Content-Type') || '').includes('json');
    const payload = json ? await response.json().catch(() => null) : await response.text();
    if (!response.ok) throw new ApiError(response.status, payload);
    return payload;
  }

  const items = (payload) => (Array.isArray(payload) ? payload : (payload && (payload.items || payload.lines)) || []);

  // A target as the page uses it: the API nests seed 003's telemetry under "telemetry".
  function flattenTarget(target) {
    const t = { ...target, ...(target.telemetry || {}) };
    t.name = target.name;
    t.last_changed_at = t.last_changed_at ?? t.last_metrics_changed_at;
    t.next_run = t.next_run ?? t.next_run_at;
    return t;
  }

  // ---- messages and connection state --------------------------------------------------------------------

  function say(text, kind = 'error') {
    const box = $('#message');
    box.textContent = text;
    box.dataset.kind = kind;
    box.hidden = !text;
  }

  // role: the least role the action needs, for the 403 message.
  function explain(action, error, role = 'viewer') {
    if (!(error instanceof ApiError)) return `${action} failed: the server does not answer (${error.message}).`;
    const detail = error.detail ? `: ${error.detail}` : '';
    if (error.status === 401) return `${action} needs an API token${detail}. Paste one above; create it with "syncplane token create".`;
    if (error.status === 403) return `${action} is not allowed ${state.token ? 'for this token' : 'without a token'}${detail}. It needs ${{ viewer: 'a viewer, operator or admin', operator: 'an operator or admin', admin: 'an admin' }[role]} token.`;
    return `${action} was refused (${error.status})${detail}.`;
  }

  function setConnection(name) {
    const indicator = $('#connection');
    indicator.dataset.state = name;
    indicator.textContent = { live: 'live', reconnecting: 'reconnecting…', offline: 'offline' }[name];
    state.live = name === 'live';
  }

  // ---- formatting ---------------------------------------------------------------------------------------

  function ago(text) {
    if (!text) return el('span', { class: 'muted' }, 'never');
    const seconds = Math.round((Date.now() - Date.parse(text)) / 1000);
    const future = seconds < 0;
    const s = Math.abs(seconds);
    if (s < 5) return el('time', { datetime: text, title: new Date(text).toLocaleString() }, 'just now');
    // The unit follows the rounded amount: 59 min 50 s is "1 h", not "60 min".
    const amount = s < 60 ? `${s} s` : s < 3570 ? `${Math.round(s / 60)} min` : s < 84600 ? `${Math.round(s / 3600)} h` : `${Math.round(s / 86400)} d`;
    return el('time', { datetime: text, title: new Date(text).toLocaleString() }, future ? `in ${amount}` : `${amount} ago`);
  }

  function duration(run) {
    if (!run.started_at || !run.finished_at) return run.status === 'running' ? 'running…' : '—';
    const ms = Date.parse(run.finished_at) - Date.parse(run.started_at);
    const seconds = Math.round(ms / 1000); // whole seconds first, so 119.6 s is "2 min 0 s", not "1 min 60 s"
    return ms < 1000 ? `${ms} ms` : ms < 59950 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  }

  const badge = (status) => el('span', { class: 'badge', 'data-status': status }, status ? status[0].toUpperCase() + status.slice(1) : '—');

  function counts(target) {
    const attempts = target.total_syncs_attempted || 0;
    const changes = target.total_syncs_with_changes || 0;
    const share = attempts ? ` (${((100 * changes) / attempts).toFixed(1)}%)` : '';
    const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
    return `${plural(attempts, 'attempt')} | ${plural(changes, 'change')}${share}`;
  }

  // ---- targets ------------------------------------------------------------------------------------------

  function targetRow(name) {
    const id = 'frequency-' + name.replace(/[^A-Za-z0-9_-]/g, '_');
    const select = el('select', { id, 'data-field': 'frequency' });
    select.addEventListener('change', () => changeFrequency(name, select));
    const sync = el('button', { type: 'button', 'data-action': 'sync' }, 'Sync now');
    sync.addEventListener('click', () => syncNow(name, sync));
    const cell = (field) => el('td', { 'data-field': field });
    return el('tr', { 'data-target': name },
      el('th', { scope: 'row' }, el('span', { class: 'name' }, name), el('small', { 'data-field': 'description' })),
      cell('status'), cell('last-run'),
      el('td', {}, el('label', { for: id, class: 'visually-hidden' }, `Frequency of ${name}`), select),
      cell('attempted'), cell('completed'), cell('changed'), cell('counts'), cell('next'), cell('error'),
      el('td', {}, sync));
  }

  function renderTargets() {
    const body = $('#targets tbody');
    const names = [...state.targets.keys()];
    for (const row of [...body.rows]) if (!state.targets.has(row.dataset.target)) row.remove();
    for (const name of names) {
      let row = body.querySelector(`tr[data-target="${CSS.escape(name)}"]`);
      if (!row) body.append(row = targetRow(name));
      const target = state.targets.get(name);
      const set = (field, ...content) => row.querySelector(`[data-field="${field}"]`).replaceChildren(...content);
      set('description', target.description || '');
      set('status', badge(target.sync_status || 'idle'));
      const run = state.lastRun.get(name);
      set('last-run', ...(run ? [badge(run.status), ` #${run.id}`] : [el('span', { class: 'muted' }, 'none')]));
      set('attempted', ago(target.last_sync_attempted_at));
      set('completed', ago(target.last_sync_completed_at));
      set('changed', ago(target.last_changed_at));
      set('counts', counts(target));
      set('next', target.next_run ? ago(target.next_run) : el('span', { class: 'muted' }, '—'));
      set('error', ...statusDetail(target));
      const select = row.querySelector('select');
      if (document.activeElement !== select && !select.disabled) fillFrequencies(select, target.sync_frequency || 'manual');
    }
    $('#targets-empty').hidden = names.length > 0;
  }

  // What the target waits for, or its current error (red, with the retry to come), or an error it recovered from (grey).
  function statusDetail(target) {
    const when = (at) => (at ? new Date(at).toLocaleString() : '');
    if (target.sync_status === 'waiting' && target.waiting_reason) {
      return [el('span', { class: 'muted', 'data-kind': 'waiting', title: `until ${when(target.waiting_until)}` }, target.waiting_reason)];
    }
    if (target.last_sync_error) {
      const retry = target.sync_status === 'retrying'
        ? [el('span', { 'data-kind': 'retry' }, `Attempt ${target.attempt} of ${target.max_attempts} `), ago(target.next_attempt_at), ' after: '] : [];
      return [...retry, el('span', { class: 'error-text', title: when(target.last_sync_error_at) }, target.last_sync_error)];
    }
    if (target.previous_sync_error) {
      return [el('span', { class: 'muted', 'data-kind': 'previous', title: when(target.previous_sync_error_at) }, `Resolved: ${target.previous_sync_error}`)];
    }
    return [];
  }

  function fillFrequencies(select, current) {
    const values = FREQUENCIES.includes(current) ? FREQUENCIES : [current, ...FREQUENCIES];
    if ([...select.options].map((o) => o.value).join() !== values.join()) {
      select.replaceChildren(...values.map((v) => el('option', { value: v }, FREQUENCIES.includes(v) ? v : `${v} (from config)`)));
    }
    select.value = current;
  }

  async function syncNow(name, button) {
    button.disabled = true;
    try {
      const result = await api('POST', `/targets/${encodeURIComponent(name)}/sync`);
      if (result && result.run_id != null) noteRun(name, result.run_id, 'queued');
      say(`Sync of ${name} queued${result && result.run_id != null ? ` as run #${result.run_id}` : ''}.`, 'info');
      refreshSoon();
    } catch (error) {
      say(explain(`Sync now on ${name}`, error, 'operator'));
    } finally {
      button.disabled = false;
    }
  }

  async function changeFrequency(name, select) {
    const previous = state.targets.get(name)?.sync_frequency || 'manual';
    select.disabled = true;
    try {
      await api('PATCH', `/targets/${encodeURIComponent(name)}/frequency`, { frequency: select.value });
      say(`Frequency of ${name} set to ${select.value}.`, 'info');
      state.targets.get(name).sync_frequency = select.value;
    } catch (error) {
      say(explain(`Changing the frequency of ${name}`, error, 'admin'));
      select.value = previous;
    } finally {
      select.disabled = false;
      refreshSoon();
    }
  }

  function noteRun(target, id, status) {
    const current = state.lastRun.get(target);
    if (current && current.id > id) return;
    state.lastRun.set(target, { id, status });
    const shown = state.targets.get(target);
    if (shown && TARGET_STATUS[status]) shown.sync_status = TARGET_STATUS[status];
    renderTargets();
  }

  // ---- runs and log -------------------------------------------------------------------------------------

  const counter = (run, name) => run.summary?.[name] ?? run[name] ?? 0;

  function renderRuns() {
    const rows = state.runs.map((run) => {
      const open = el('button', { type: 'button', 'data-action': 'log' }, 'Log');
      open.addEventListener('click', () => showLog(run.id));
      const changes = run.summary || run.creates !== undefined
        ? `+${counter(run, 'creates')} ~${counter(run, 'updates')} −${counter(run, 'deletes')} =${counter(run, 'unchanged')}` : '—';
      return el('tr', { 'data-run': run.id },
        el('th', { scope: 'row' }, `#${run.id}`), el('td', {}, run.target), el('td', { 'data-field': 'status' }, badge(run.status)),
        el('td', {}, run.trigger || ''), el('td', { title: run.message || '' }, changes), el('td', {}, duration(run)),
        el('td', {}, ago(run.queued_at)), el('td', {}, open));
    });
    $('#runs tbody').replaceChildren(...rows);
  }

  async function showLog(id) {
    state.logRunId = id;
    $('#log-heading').textContent = `Log of run #${id}`;
    $('#log-panel').hidden = false;
    try {
      const payload = await api('GET', `/runs/${id}/log`);
      const lines = typeof payload === 'string' ? payload.split('\n')
        : items(payload).map((l) => (typeof l === 'string' ? l : [l.at && new Date(l.at).toLocaleTimeString(), l.level, l.stream, l.message ?? l.text].filter(Boolean).join('  ')));
      $('#log').textContent = lines.join('\n') || '(no log lines)';
    } catch (error) {
      $('#log').textContent = explain(`Reading the log of run #${id}`, error);
    }
  }

  // ---- refresh ------------------------------------------------------------------------------------------

  // Targets and runs load independently: runs that fail to load leave the targets table working.
  async function refreshAll() {
    const [targets, runs] = await Promise.allSettled([api('GET', '/targets?limit=1000'), api('GET', '/runs?limit=20')]);
    if (runs.status === 'fulfilled') {
      state.runs = items(runs.value);
      for (const run of [...state.runs].reverse()) {
        const current = state.lastRun.get(run.target);
        if (!current || current.id <= run.id) state.lastRun.set(run.target, { id: run.id, status: run.status });
      }
      renderRuns();
    }

    if (targets.status === 'rejected') {
      const error = targets.reason;
      say(explain('Viewing targets', error));
      if (error.status === 401 || error.status === 403) $('#message').dataset.kind = 'auth';
      return false;
    }

    state.targets = new Map(items(targets.value).map((t) => [t.name, flattenTarget(t)]));
    renderTargets();
    if (runs.status === 'rejected') say(explain('Loading recent runs', runs.reason));
    else if ($('#message').dataset.kind === 'auth') say('');
    return true;
  }

  function refreshSoon() {
    clearTimeout(state.refreshQueued);
    state.refreshQueued = setTimeout(async () => {
      await refreshAll();
      if (state.logRunId !== null && !$('#log-panel').hidden) await showLog(state.logRunId);
    }, 250);
  }

  function schedulePolling() {
    setTimeout(async () => {
      if (!document.hidden && await refreshAll() && !state.source) connect();
      schedulePolling();
    }, state.live ? REFRESH_LIVE_MS : REFRESH_OFFLINE_MS);
  }

  // ---- live events --------------------------------------------------------------------------------------

  function addToFeed(event) {
    const data = event.data || {};
    const details = [event.target, event.run_id != null ? `#${event.run_id}` : '', typeof data.message === 'string' ? data.message : '']
      .filter(Boolean).join(' ');
    const at = event.at ? new Date(event.at).toLocaleTimeString() : '';
    const feed = $('#feed');
    feed.prepend(el('li', { 'data-type': event.type }, el('time', { datetime: event.at || '' }, at), ' ', el('strong', {}, event.type), ' ', details));
    while (feed.children.length > FEED_LENGTH) feed.lastElementChild.remove();
  }

  function onEvent(message) {
    let event;
    try { event = JSON.parse(message.data); } catch { return; }
    addToFeed(event);
    const status = RUN_STATUS[event.type];
    if (status && event.target && event.run_id != null) noteRun(event.target, event.run_id, status);
    refreshSoon();
  }

  function connect() {
    if (state.source) state.source.close();
    const query = state.token ? '?access_token=' + encodeURIComponent(state.token) : '';
    const source = new EventSource('/api/v1/events' + query);
    state.source = source;
    for (const type of EVENT_TYPES) source.addEventListener(type, onEvent);
    source.onmessage = onEvent;
    source.onopen = () => { setConnection('live'); refreshSoon(); };
    source.onerror = () => {
      if (state.source !== source) return;
      setConnection('reconnecting');
      // The browser retries by itself unless the server refused the stream (e.g. 401): then the poller
      // reconnects once the API answers again.
      if (source.readyState === EventSource.CLOSED) {
        state.source = null;
        setConnection('offline');
      }
    };
  }

  // ---- start --------------------------------------------------------------------------------------------

  function useToken(token) {
    state.token = token;
    if (token) localStorage.setItem(TOKEN_KEY, token); else localStorage.removeItem(TOKEN_KEY);
    state.lastRun.clear();
    if (state.source) state.source.close();
    state.source = null;
    setConnection('offline');
    refreshAll().then((ok) => { if (ok && !state.source) connect(); });
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('#token').value = state.token;
    $('#token-form').addEventListener('submit', (e) => { e.preventDefault(); useToken($('#token').value.trim()); });
    $('#token-clear').addEventListener('click', () => { $('#token').value = ''; useToken(''); say('Token forgotten.', 'info'); });
    $('#log-close').addEventListener('click', () => { $('#log-panel').hidden = true; state.logRunId = null; });
    useToken(state.token);
    schedulePolling();
    setInterval(renderTargets, 15000); // keeps "2 min ago" current
  });
})();
