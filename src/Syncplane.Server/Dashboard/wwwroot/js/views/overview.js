// Overview: counts by status, failing and stale targets, queue depth, check health; every target in one table
// (search, filter by status and layer, sort, problems first) and the live feed. Rows are built once and updated in
// place, in batches a few times a second, only for the targets that changed.

import { store, subscribe } from '../store.js';
import { $, ago, badge, el, title } from '../ui.js';
import { countsOf, frequencyControl, lastRunOf, nextOf, problemOf, runLink, statusOf, syncButton, targetLink } from '../targets.js';

const STATUSES = ['error', 'retrying', 'waiting', 'syncing', 'queued', 'idle'];
const RANK = Object.fromEntries(STATUSES.map((s, i) => [s, i]));
const FEED_SHOWN = 50;
const SORTS = {
  problems: (a, b) => problemRank(a) - problemRank(b) || a.name.localeCompare(b.name),
  name: (a, b) => a.name.localeCompare(b.name),
  attempted: (a, b) => (b.last_sync_attempted_at || '').localeCompare(a.last_sync_attempted_at || ''),
  completed: (a, b) => (a.last_sync_completed_at || '').localeCompare(b.last_sync_completed_at || ''),
};
const filters = { text: '', status: '', layer: '', sort: 'problems' }; // kept while the page lives

function problemRank(t) {
  if (t.last_sync_error) return t.sync_status === 'retrying' ? 1 : 0;
  if (t.last_run_status === 'refused') return 2;
  return 3 + (RANK[t.sync_status] ?? 6);
}

const staleNames = () => new Set((store.overview?.stale_targets || []).map((s) => s.target));

export function mount(root) {
  const rows = new Map();
  const dirty = new Set();
  let everything = true;
  let frame = 0;
  let order = [];

  const summary = el('section', { 'aria-labelledby': 'summary-heading', class: 'summary' }, el('h2', { id: 'summary-heading', class: 'visually-hidden' }, 'Summary'));
  const search = el('input', { id: 'filter-text', type: 'search', placeholder: 'name, description or layer', value: filters.text });
  const status = el('select', { id: 'filter-status' }, el('option', { value: '' }, 'any status'),
    [...STATUSES, 'failing', 'stale', 'paused', 'refused'].map((s) => el('option', { value: s }, title(s))));
  const layer = el('select', { id: 'filter-layer' });
  const sort = el('select', { id: 'sort' }, el('option', { value: 'problems' }, 'problems first'), el('option', { value: 'name' }, 'name'),
    el('option', { value: 'attempted' }, 'last attempted'), el('option', { value: 'completed' }, 'longest without success'));
  const shown = el('output', { class: 'muted', 'aria-live': 'polite' });
  const body = el('tbody');
  const feed = el('ol', { id: 'feed', class: 'feed', 'aria-live': 'off' });
  root.append(summary,
    el('section', { 'aria-labelledby': 'targets-heading' },
      el('div', { class: 'toolbar' },
        el('h2', { id: 'targets-heading' }, 'Targets'),
        el('label', { for: 'filter-text' }, 'Search'), search,
        el('label', { for: 'filter-status' }, 'Status'), status,
        el('label', { for: 'filter-layer' }, 'Layer'), layer,
        el('label', { for: 'sort' }, 'Sort'), sort, shown),
      el('div', { class: 'scroll' }, el('table', { id: 'targets' },
        el('thead', {}, el('tr', {}, ['Target', 'Status', 'Last run', 'Frequency', 'Last attempted', 'Last successful sync', 'Last changed', 'Attempts | changes', 'Next run', 'Last error']
          .map((h) => el('th', { scope: 'col' }, h)), el('th', { scope: 'col' }, el('span', { class: 'visually-hidden' }, 'Actions')))),
        body)),
      el('p', { id: 'targets-empty', class: 'empty', hidden: true }, 'No targets match.')),
    el('section', { 'aria-labelledby': 'feed-heading' }, el('h2', { id: 'feed-heading' }, 'Live events'), feed));
  status.value = filters.status;
  sort.value = filters.sort;

  const changed = () => { filters.text = search.value.trim().toLowerCase(); filters.status = status.value; filters.layer = layer.value; filters.sort = sort.value; schedule(''); };
  search.addEventListener('input', changed);
  for (const control of [status, layer, sort]) control.addEventListener('change', changed);

  function schedule(name) {
    if (name) dirty.add(name); else if (name === undefined) everything = true; // '' only re-sorts and recounts
    // Changes are applied in batches, at most about five times a second: under a stream of events the table's
    // layout is computed a few times a second, not once per event.
    if (!frame) frame = setTimeout(() => requestAnimationFrame(flush), 150);
  }

  function flush() {
    frame = 0;
    const names = everything ? [...store.targets.keys()] : [...dirty];
    if (everything) for (const [name, row] of rows) if (!store.targets.has(name)) { row.remove(); rows.delete(name); }
    for (const name of names) {
      const t = store.targets.get(name);
      if (t) render(t);
    }
    everything = false;
    dirty.clear();
    arrange();
    renderSummary();
  }

  function render(t) {
    let row = rows.get(t.name);
    if (!row) {
      const cell = (field) => el('td', { 'data-field': field });
      row = el('tr', { 'data-target': t.name },
        el('th', { scope: 'row', 'data-field': 'name' }), cell('status'), cell('last-run'), cell('frequency'), cell('attempted'), cell('completed'),
        cell('changed'), cell('counts'), cell('next'), cell('error'), el('td', { 'data-field': 'actions', 'data-notes': '' }));
      row.fields = Object.fromEntries([...row.children].map((c) => [c.dataset.field, c]));
      rows.set(t.name, row);
      row.fields.name.append(targetLink(t.name), el('small', { 'data-field': 'description' }), el('small', { class: 'layer', 'data-field': 'layer' }));
      row.fields.actions.append(syncButton(t) || '');
    }
    const c = row.fields;
    c.name.querySelector('[data-field=description]').textContent = t.description || '';
    c.name.querySelector('[data-field=layer]').textContent = t.layer || '';
    c.status.replaceChildren(...statusOf(t).flat().filter(Boolean));
    c['last-run'].replaceChildren(...lastRunOf(t));
    // Keep a control the user is working with.
    if (!c.frequency.contains(document.activeElement)) c.frequency.replaceChildren(frequencyControl(t));
    c.attempted.replaceChildren(ago(t.last_sync_attempted_at));
    c.completed.replaceChildren(ago(t.last_sync_completed_at));
    c.changed.replaceChildren(ago(t.last_metrics_changed_at));
    c.counts.textContent = countsOf(t);
    c.next.replaceChildren(nextOf(t));
    c.error.replaceChildren(...problemOf(t).flat().filter(Boolean));
    row.dataset.status = t.sync_status;
  }

  function matches(t, stale) {
    if (filters.text && !`${t.name} ${t.description || ''} ${t.layer || ''}`.toLowerCase().includes(filters.text)) return false;
    if (filters.layer && (t.layer || '') !== (filters.layer === '-' ? '' : filters.layer)) return false;
    switch (filters.status) {
      case '': return true;
      case 'failing': return t.consecutive_failures > 0;
      case 'stale': return stale.has(t.name);
      case 'paused': return !!t.paused_reason;
      case 'refused': return t.last_run_status === 'refused';
      default: return t.sync_status === filters.status;
    }
  }

  function arrange() {
    const stale = staleNames();
    const all = [...store.targets.values()];
    const visible = all.filter((t) => matches(t, stale)).sort(SORTS[filters.sort]).map((t) => t.name);
    const same = visible.length === order.length && visible.every((n, i) => n === order[i]);
    if (!same) {
      body.replaceChildren(...visible.map((n) => rows.get(n)));
      order = visible;
    }
    $('#targets-empty', root).hidden = visible.length > 0;
    shown.textContent = visible.length === all.length ? `${all.length} targets` : `${visible.length} of ${all.length} targets`;
  }

  function renderSummary() {
    const all = [...store.targets.values()];
    const counts = Object.fromEntries(STATUSES.map((s) => [s, 0]));
    let failing = 0, paused = 0, refused = 0;
    for (const t of all) {
      counts[t.sync_status] = (counts[t.sync_status] || 0) + 1;
      if (t.consecutive_failures > 0) failing++;
      if (t.paused_reason) paused++;
      if (t.last_run_status === 'refused') refused++;
    }
    const stale = staleNames().size;
    const checks = [...store.checks.values()];
    const down = checks.filter((c) => c.status === 'down').length;
    const alerts = store.alerts?.alerts || [];
    const firing = alerts.filter((a) => a.state === 'firing').length;
    const pending = alerts.filter((a) => a.state === 'pending').length;
    const pick = (value) => () => { status.value = value; changed(); };
    const card = (label, value, filter, kind) => el('button', { type: 'button', class: 'card', 'data-kind': kind || '', 'data-card': label, onclick: filter ? pick(filter) : undefined },
      el('strong', {}, String(value)), el('span', {}, label));
    const layers = [...new Set(all.map((t) => t.layer || ''))].sort();
    if (layer.options.length !== layers.length + 1) {
      layer.replaceChildren(el('option', { value: '' }, 'any layer'), ...layers.map((l) => el('option', { value: l || '-' }, l || '(none)')));
      layer.value = filters.layer;
    }
    summary.replaceChildren(summary.firstChild,
      card('targets', all.length, ''),
      ...STATUSES.map((s) => card(s, counts[s], s, counts[s] && s)),
      card('failing', failing, 'failing', failing && 'error'), card('stale', stale, 'stale', stale && 'retrying'),
      card('refused', refused, 'refused', refused && 'waiting'), card('paused', paused, 'paused'),
      el('div', { class: 'card', 'data-card': 'queue', title: 'Queued runs due now' },
        el('strong', {}, String(store.overview?.queue_depth ?? '—')), el('span', {}, 'queue depth')),
      el('a', { class: 'card', href: '#/checks', 'data-card': 'checks', 'data-kind': store.checksOverall === 'healthy' ? '' : store.checksOverall },
        el('strong', {}, checks.length ? title(store.checksOverall) : '—'), el('span', {}, checks.length ? `checks (${down} down)` : 'no checks')),
      el('a', { class: 'card', href: '#/alerts', 'data-card': 'alerts', 'data-kind': firing ? 'error' : pending ? 'waiting' : '' },
        el('strong', {}, String(firing)), el('span', {}, `firing alerts${pending ? ` (${pending} pending)` : ''}`)));
  }

  function addToFeed(event) {
    feed.prepend(feedLine(event));
    while (feed.children.length > FEED_SHOWN) feed.lastElementChild.remove();
  }

  for (const event of [...store.feed].reverse()) addToFeed(event);
  const off = subscribe((change) => {
    if (change.kind === 'targets') schedule();
    if (change.kind === 'overview' || change.kind === 'checks' || change.kind === 'check' || change.kind === 'alerts') schedule('');
    if (change.kind === 'target') schedule(change.name);
    if (change.kind === 'event') {
      addToFeed(change.event);
      if (change.name) schedule(change.name);
    }
  });
  schedule();
  return () => { off(); clearTimeout(frame); };
}

/** One line of the feed: when, what, which target or check, and what it says. */
export function feedLine(event) {
  const data = event.data || {};
  const at = event.at ? new Date(event.at).toLocaleTimeString() : '';
  const parts = [];
  if (event.type === 'check.changed') {
    parts.push(`check ${data.name}: `, badge(data.status), data.previous ? ` (was ${data.previous})` : '', data.message ? ` ${data.message}` : '');
  } else {
    if (event.target) parts.push(targetLink(event.target), ' ');
    if (event.run_id != null && event.target) parts.push(runLink(event.target, event.run_id), ' ');
    const text = data.message || data.reason || data.summary || (event.type === 'run.progress' && data.total ? `${data.done}/${data.total}` : '');
    if (text) parts.push(String(text));
  }
  return el('li', { 'data-type': event.type }, el('time', { datetime: event.at || '' }, at), ' ', el('strong', {}, event.type), ' ', ...parts);
}
