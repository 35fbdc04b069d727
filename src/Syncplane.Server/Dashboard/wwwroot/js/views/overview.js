// Overview: counts by status, failing and stale targets, queue depth, check health; every target in one table
// (search, filter by status and layer, sort, problems first) and the live feed. Only the rows on screen (and near it)
// are in the document (see rowwindow.js): a row is built when it first comes into view and kept for when it comes back.
// A change is applied in the next animation frame to the rows of the targets that changed, only to the cells whose
// content changed; a changed target off screen is drawn again when it comes into view.

import { store, subscribe } from '../store.js';
import { RowWindow } from '../rowwindow.js';
import { ago, badge, el, refreshTimes, title } from '../ui.js';
import { countsOf, frequencyControl, lastRunOf, nextOf, problemOf, runLink, statusOf, syncButton, targetLink } from '../targets.js';

const STATUSES = ['error', 'retrying', 'waiting', 'syncing', 'queued', 'idle'];
const RANK = Object.fromEntries(STATUSES.map((s, i) => [s, i]));
const FEED_SHOWN = 50;
const byName = new Intl.Collator().compare;
const SORTS = {
  problems: (a, b) => problemRank(a) - problemRank(b) || byName(a.name, b.name),
  name: (a, b) => byName(a.name, b.name),
  attempted: (a, b) => (b.last_sync_attempted_at || '').localeCompare(a.last_sync_attempted_at || '') || byName(a.name, b.name),
  completed: (a, b) => (a.last_sync_completed_at || '').localeCompare(b.last_sync_completed_at || '') || byName(a.name, b.name),
};
const COLUMNS = ['Target', 'Status', 'Last run', 'Frequency', 'Last attempted', 'Last successful sync', 'Last changed', 'Attempts | changes', 'Next run', 'Last error'];
const filters = { text: '', status: '', layer: '', sort: 'problems' }; // kept while the page lives

function problemRank(t) {
  if (t.last_sync_error) return t.sync_status === 'retrying' ? 1 : 0;
  if (t.last_run_status === 'refused') return 2;
  return 3 + (RANK[t.sync_status] ?? 6);
}

const staleNames = () => new Set((store.overview?.stale_targets || []).map((s) => s.target));

export function mount(root) {
  const rows = new Map(); // name → its row, built when it first came into view
  const drawn = new Set(); // the targets whose row shows what the store holds
  const dirty = new Set(); // targets changed since the last frame
  let everything = true; // every row to draw again and every target to sort again (first render, targets reloaded)
  let resort = true; // the filters, the sort or the figures changed: sort and filter every target again
  let frame = 0;
  let sorted = []; // every target's name, in the order of the current sort
  let summaryKey = '';
  const arrived = []; // events for the feed since the last frame

  const summary = el('section', { 'aria-labelledby': 'summary-heading', class: 'summary' }, el('h2', { id: 'summary-heading', class: 'visually-hidden' }, 'Summary'));
  const search = el('input', { id: 'filter-text', type: 'search', placeholder: 'name, description or layer', value: filters.text });
  const status = el('select', { id: 'filter-status' }, el('option', { value: '' }, 'any status'),
    [...STATUSES, 'failing', 'stale', 'paused', 'refused'].map((s) => el('option', { value: s }, title(s))));
  const layer = el('select', { id: 'filter-layer' });
  const sort = el('select', { id: 'sort' }, el('option', { value: 'problems' }, 'problems first'), el('option', { value: 'name' }, 'name'),
    el('option', { value: 'attempted' }, 'last attempted'), el('option', { value: 'completed' }, 'longest without success'));
  const shown = el('output', { class: 'muted', 'aria-live': 'polite' });
  const body = el('tbody');
  const table = el('table', { id: 'targets' },
    el('thead', {}, el('tr', { 'aria-rowindex': 1 }, COLUMNS.map((h) => el('th', { scope: 'col' }, h)),
      el('th', { scope: 'col' }, el('span', { class: 'visually-hidden' }, 'Actions')))),
    body);
  const view = new RowWindow(table, body, COLUMNS.length + 1, () => schedule(null));
  const empty = el('p', { id: 'targets-empty', class: 'empty', hidden: true }, 'No targets match.');
  const feed = el('ol', { id: 'feed', class: 'feed', 'aria-live': 'off' });
  root.append(summary,
    el('section', { 'aria-labelledby': 'targets-heading' },
      el('div', { class: 'toolbar' },
        el('h2', { id: 'targets-heading' }, 'Targets'),
        el('label', { for: 'filter-text' }, 'Search'), search,
        el('label', { for: 'filter-status' }, 'Status'), status,
        el('label', { for: 'filter-layer' }, 'Layer'), layer,
        el('label', { for: 'sort' }, 'Sort'), sort, shown),
      el('div', { class: 'scroll' }, table),
      empty),
    el('section', { 'aria-labelledby': 'feed-heading' }, el('h2', { id: 'feed-heading' }, 'Live events'), feed));
  status.value = filters.status;
  sort.value = filters.sort;

  const changed = () => { filters.text = search.value.trim().toLowerCase(); filters.status = status.value; filters.layer = layer.value; filters.sort = sort.value; schedule(''); };
  search.addEventListener('input', changed);
  for (const control of [status, layer, sort]) control.addEventListener('change', changed);

  /** name: that target changed; '': sort, filter and count again; undefined: everything; null: the feed only. */
  function schedule(name) {
    if (name) dirty.add(name);
    else if (name === undefined) everything = resort = true;
    else if (name === '') resort = true;
    if (!frame) frame = requestAnimationFrame(flush);
  }

  function flush() {
    frame = 0;
    view.look(); // before anything is written
    if (everything) {
      for (const name of rows.keys()) if (!store.targets.has(name)) { rows.delete(name); view.forget(name); }
      drawn.clear();
    }
    for (const name of dirty) drawn.delete(name);
    if (everything || resort) sorted = [...store.targets.values()].sort(SORTS[filters.sort]).map((t) => t.name);
    else place([...dirty]);
    everything = resort = false;
    dirty.clear();
    arrange();
    renderSummary();
    showArrivals();
  }

  // Puts the changed targets back in their place in the sorted names: the others kept their sort keys.
  function place(names) {
    if (!names.length) return;
    const compare = SORTS[filters.sort];
    const moving = new Set(names);
    sorted = sorted.filter((n) => !moving.has(n));
    for (const name of moving) {
      const t = store.targets.get(name);
      if (!t) continue;
      let lo = 0, hi = sorted.length;
      while (lo < hi) { const mid = (lo + hi) >> 1; if (compare(store.targets.get(sorted[mid]), t) < 0) lo = mid + 1; else hi = mid; }
      sorted.splice(lo, 0, name);
    }
  }

  function rowOf(name) {
    let row = rows.get(name);
    if (!row) {
      const t = store.targets.get(name);
      const cell = (field) => el('td', { 'data-field': field });
      row = el('tr', { 'data-target': t.name },
        el('th', { scope: 'row', 'data-field': 'name' }), cell('status'), cell('last-run'), cell('frequency'), cell('attempted'), cell('completed'),
        cell('changed'), cell('counts'), cell('next'), cell('error'), el('td', { 'data-field': 'actions', 'data-notes': '' }));
      row.fields = Object.fromEntries([...row.children].map((c) => [c.dataset.field, c]));
      rows.set(t.name, row);
      row.fields.name.append(targetLink(t.name), el('small', { 'data-field': 'description' }), el('small', { class: 'layer', 'data-field': 'layer' }));
      row.fields.actions.append(syncButton(t) || '');
    }
    return row;
  }

  function render(t) {
    const row = rowOf(t.name);
    const c = row.fields;
    const [, description, layerName] = c.name.children;
    if (description.textContent !== (t.description || '')) description.textContent = t.description || '';
    if (layerName.textContent !== (t.layer || '')) layerName.textContent = t.layer || '';
    put(c.status, statusOf(t));
    put(c['last-run'], lastRunOf(t));
    // Keep a control the user is working with.
    if (!c.frequency.contains(document.activeElement)) put(c.frequency, [frequencyControl(t)]);
    put(c.attempted, [ago(t.last_sync_attempted_at)]);
    put(c.completed, [ago(t.last_sync_completed_at)]);
    put(c.changed, [ago(t.last_metrics_changed_at)]);
    put(c.counts, [countsOf(t)]);
    put(c.next, [nextOf(t)]);
    put(c.error, problemOf(t));
    if (row.dataset.status !== t.sync_status) row.dataset.status = t.sync_status;
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
    const stale = filters.status === 'stale' ? staleNames() : null;
    const visible = sorted.filter((n) => matches(store.targets.get(n), stale));
    const entered = view.show(visible, rowOf);
    for (const name of entered) if (drawn.has(name)) refreshTimes(rows.get(name)); // its "2 min ago" went on while away
    for (const name of view.shown.keys()) {
      if (drawn.has(name)) continue;
      render(store.targets.get(name));
      drawn.add(name);
    }
    empty.hidden = visible.length > 0;
    const text = visible.length === store.targets.size ? `${visible.length} targets` : `${visible.length} of ${store.targets.size} targets`;
    if (shown.textContent !== text) shown.textContent = text;
  }

  function renderSummary() {
    const counts = Object.fromEntries(STATUSES.map((s) => [s, 0]));
    let failing = 0, paused = 0, refused = 0;
    const layers = new Set();
    for (const t of store.targets.values()) {
      counts[t.sync_status] = (counts[t.sync_status] || 0) + 1;
      if (t.consecutive_failures > 0) failing++;
      if (t.paused_reason) paused++;
      if (t.last_run_status === 'refused') refused++;
      layers.add(t.layer || '');
    }
    const stale = staleNames().size;
    const checks = [...store.checks.values()];
    const down = checks.filter((c) => c.status === 'down').length;
    const alerts = store.alerts?.alerts || [];
    const firing = alerts.filter((a) => a.state === 'firing').length;
    const pending = alerts.filter((a) => a.state === 'pending').length;
    const key = JSON.stringify([store.targets.size, counts, failing, paused, refused, stale, checks.length, down, store.checksOverall,
      firing, pending, store.overview?.queue_depth, layers.size]);
    if (key === summaryKey) return;
    summaryKey = key;
    const pick = (value) => () => { status.value = value; changed(); };
    const card = (label, value, filter, kind) => el('button', { type: 'button', class: 'card', 'data-kind': kind || '', 'data-card': label, onclick: filter ? pick(filter) : undefined },
      el('strong', {}, String(value)), el('span', {}, label));
    if (layer.options.length !== layers.size + 1) {
      layer.replaceChildren(el('option', { value: '' }, 'any layer'), ...[...layers].sort().map((l) => el('option', { value: l || '-' }, l || '(none)')));
      layer.value = filters.layer;
    }
    summary.replaceChildren(summary.firstChild,
      card('targets', store.targets.size, ''),
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

  function showArrivals() {
    if (!arrived.length) return;
    feed.prepend(...arrived.splice(0).slice(-FEED_SHOWN).reverse().map(feedLine));
    while (feed.children.length > FEED_SHOWN) feed.lastElementChild.remove();
  }

  arrived.push(...[...store.feed].reverse());
  const off = subscribe((change) => {
    if (change.kind === 'targets') schedule();
    if (change.kind === 'overview' || change.kind === 'checks' || change.kind === 'check' || change.kind === 'alerts') schedule('');
    if (change.kind === 'target') schedule(change.name);
    if (change.kind === 'event') {
      arrived.push(change.event);
      schedule(change.name || null);
    }
  });
  schedule();
  return () => { off(); view.dispose(); cancelAnimationFrame(frame); };
}

/** Sets a cell's content when it differs from what is there, so an unchanged cell is not laid out again. */
function put(cell, nodes) {
  nodes = nodes.flat(Infinity).filter((n) => n !== null && n !== undefined && n !== false);
  if (!cell.firstChild) { cell.append(...nodes); cell.html = undefined; return; } // nothing to compare with
  const fresh = document.createElement('td');
  fresh.append(...nodes);
  const html = fresh.innerHTML;
  if ((cell.html ?? cell.innerHTML) === html) return;
  cell.html = html;
  cell.replaceChildren(...fresh.childNodes);
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
