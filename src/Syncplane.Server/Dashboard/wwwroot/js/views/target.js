// Target page: state and controls (Sync now, pause/resume, frequency with "use config"), recent results, success
// rate and duration charts, the last plan, and the run history with paging and each run's detail and streaming log.

import { api, can, explain, items, session } from '../api.js';
import { resultBar, valueChart } from '../charts.js';
import { refreshTarget, store, subscribe } from '../store.js';
import { ago, badge, changes, confirmNear, el, exact, note, noteFor, seconds } from '../ui.js';
import { countsOf, frequencyControl, lastRunOf, nextOf, problemOf, statusOf, syncButton } from '../targets.js';

const PAGE = 20;
const STATS = 200;
const LEVELS = ['info', 'warning', 'error'];

export function mount(root, [name, part, runId]) {
  const target = () => store.targets.get(name);
  if (!target()) {
    root.append(el('h2', {}, name || 'No target'), el('p', { class: 'empty' }, `No target named "${name}". `, el('a', { href: '#/' }, 'Back to the overview')));
    return () => {};
  }
  const head = el('section', { class: 'target-head', 'aria-labelledby': 'target-heading' });
  const stats = el('section', { 'aria-labelledby': 'stats-heading' });
  const history = el('section', { 'aria-labelledby': 'runs-heading' });
  root.append(el('p', { class: 'crumbs' }, el('a', { href: '#/' }, 'Overview'), ' › ', name), head, stats, history);
  let page = { before: null, runs: [], next: null, stack: [] };
  const open = new Map(); // run id → { holder, close } of its open detail
  let reload = null;
  let openWhenListed = null; // a dry run just queued: its detail opens once its row is listed

  function renderHead() {
    const t = target();
    const focused = head.contains(document.activeElement) ? document.activeElement : null;
    if (focused?.tagName === 'SELECT' || focused?.closest('.confirm')) return; // the user is choosing a frequency, or answering
    const refocus = focused?.dataset.action;
    const field = (label, ...value) => [el('dt', {}, label), el('dd', {}, ...value)];
    const pause = can('admin') ? el('button', { type: 'button', class: 'quiet', 'data-action': t.paused_reason ? 'resume' : 'pause', onclick: (e) => pauseOrResume(e.currentTarget) }, t.paused_reason ? 'Resume' : 'Pause') : null;
    head.replaceChildren(
      el('h2', { id: 'target-heading' }, t.name, ' ', ...statusOf(t).flat().filter(Boolean)),
      t.description ? el('p', { class: 'muted' }, t.description) : '',
      el('div', { class: 'actions', 'data-notes': '' }, syncButton(t), ' ', dryRunButton(), ' ', pause, noteFor(`${t.name}:sync`)),
      el('dl', { class: 'facts' },
        field('Last run', ...lastRunOf(t)),
        field('Frequency', frequencyControl(t)),
        field('Next run', nextOf(t)),
        field('Last attempted', ago(t.last_sync_attempted_at)),
        field('Last successful sync', ago(t.last_sync_completed_at)),
        field('Last changed', ago(t.last_metrics_changed_at)),
        field('Attempts | changes', countsOf(t)),
        field('Layer', t.layer || el('span', { class: 'muted' }, 'none')),
        t.paused_reason ? field('Paused', t.paused_reason) : [],
        field('Problem', ...(problemOf(t).flat().filter(Boolean).length ? problemOf(t).flat().filter(Boolean) : [el('span', { class: 'muted' }, 'none')]))));
    if (refocus) head.querySelector(`[data-action="${refocus}"]`)?.focus();
  }

  /** Dry run (operators): queues a run that plans and writes nothing, then opens its detail, whose log lists the plan. */
  function dryRunButton() {
    if (!can('operator')) return null;
    return el('button', { type: 'button', class: 'quiet', 'data-action': 'dry-run', onclick: async (e) => {
      const button = e.currentTarget;
      button.disabled = true;
      try {
        const result = await api('POST', `/targets/${encodeURIComponent(name)}/dry-run`);
        note(button, result.dry_run ? `Dry run queued as run #${result.run_id}: its log lists the plan.`
          : `Joined run #${result.run_id}, a real sync already queued: it writes, and its plan shows below once it ran.`, 'info', `${name}:sync`);
        openWhenListed = result.run_id;
        scheduleReload();
      } catch (error) {
        note(button, explain(`Dry run of ${name}`, error, 'operator'), 'error', `${name}:sync`);
      } finally {
        button.disabled = false;
      }
    } }, 'Dry run');
  }

  async function pauseOrResume(button) {
    const t = target();
    const resume = !!t.paused_reason;
    if (!resume && !(await confirmNear(button, `Stop scheduling ${t.name}?`, 'Pause'))) return;
    try {
      await api('POST', `/targets/${encodeURIComponent(t.name)}/${resume ? 'resume' : 'pause'}`);
      note(button, resume ? 'Resumed.' : 'Paused: no scheduled runs until resumed; Sync now still works.', 'info', `${t.name}:sync`);
    } catch (error) {
      note(button, explain(`${resume ? 'Resuming' : 'Pausing'} ${t.name}`, error, 'admin'), 'error', `${t.name}:sync`);
    }
    refreshTarget(t.name);
  }

  async function loadStats() {
    const runs = items(await api('GET', `/runs?target=${encodeURIComponent(name)}&limit=${STATS}`));
    const finished = runs.filter((r) => r.finished_at).reverse();
    const recent = finished.slice(-50);
    const days = new Map();
    for (const r of finished) {
      const day = r.finished_at.slice(0, 10);
      const d = days.get(day) || { good: 0, all: 0 };
      d.all++;
      if (r.status === 'succeeded') d.good++;
      days.set(day, d);
    }
    const plan = runs.find((r) => r.summary);
    stats.replaceChildren(el('h3', { id: 'stats-heading' }, 'Recent results'),
      recent.length ? resultBar(recent.map((r) => ({ status: r.status, text: `#${r.id} ${r.status} ${exact(r.finished_at)}${r.message ? ': ' + r.message : ''}` })),
        `Last ${recent.length} runs, oldest first: ${recent.filter((r) => r.status === 'succeeded').length} succeeded`) : el('p', { class: 'empty' }, 'No finished runs yet.'),
      el('div', { class: 'charts' },
        el('figure', {}, el('figcaption', {}, 'Success rate per day'),
          valueChart([...days].map(([day, d]) => ({ value: Math.round((100 * d.good) / d.all), text: `${day}: ${d.good} of ${d.all} succeeded`, status: d.good === d.all ? 'succeeded' : 'failed' })),
            { label: 'Success rate per day', unit: '%', kind: 'bars' })),
        el('figure', {}, el('figcaption', {}, 'Duration of the last runs'),
          valueChart(recent.map((r) => ({ value: r.duration_seconds ?? null, text: `#${r.id}: ${seconds(r.duration_seconds)}` })),
            { label: 'Duration of the last runs', unit: ' s', format: (v) => v.toFixed(1) }))),
      el('h3', {}, 'Last plan'),
      plan ? el('p', { 'data-field': 'plan' }, `Run #${plan.id}${plan.dry_run ? ' (dry run)' : ''}: `, el('span', { title: 'creates ~ updates − deletes = unchanged' }, changes(plan.summary)),
        ` — ${plan.summary.changes} ${plan.summary.changes === 1 ? 'change' : 'changes'}`, plan.message ? ` — ${plan.message}` : '', ' ', ago(plan.finished_at || plan.queued_at))
        : el('p', { class: 'empty' }, 'No run has planned changes yet (entrypoint targets report none).'));
    if (!page.before) showPage(runs.slice(0, PAGE), runs.length > PAGE ? runs[PAGE - 1].id : null);
  }

  async function loadPage(before) {
    const payload = await api('GET', `/runs?target=${encodeURIComponent(name)}&limit=${PAGE}${before ? '&before=' + before : ''}`);
    const runs = items(payload);
    showPage(runs, runs.length === PAGE ? runs[runs.length - 1].id : null);
  }

  function showPage(runs, next) {
    page.runs = runs;
    page.next = next;
    const body = el('tbody');
    for (const run of runs) {
      body.append(runRow(run));
      // An open run detail stays open (and keeps streaming) when the list is drawn again.
      const detail = open.get(run.id);
      if (detail) { body.append(detail.holder); body.lastChild.previousSibling.querySelector('[data-action=log]')?.setAttribute('aria-expanded', 'true'); }
    }
    for (const [id, detail] of open) if (!runs.some((r) => r.id === id)) detail.close();
    const opening = openWhenListed && runs.some((r) => r.id === openWhenListed) ? openWhenListed : null;
    const older = el('button', { type: 'button', class: 'quiet', disabled: !next, onclick: () => { page.stack.push(page.before); page.before = next; loadPage(next); } }, 'Older runs');
    const newer = el('button', { type: 'button', class: 'quiet', disabled: !page.before, onclick: () => { page.before = page.stack.pop() ?? null; page.before ? loadPage(page.before) : loadStats(); } }, 'Newer runs');
    history.replaceChildren(el('h3', { id: 'runs-heading' }, 'Runs'),
      runs.length ? el('div', { class: 'scroll' }, el('table', { id: 'runs' },
        el('thead', {}, el('tr', {}, ['Run', 'Status', 'Trigger', 'Attempt', 'Changes (+ ~ − =)', 'Duration', 'Queued', 'Message'].map((h) => el('th', { scope: 'col' }, h)),
          el('th', { scope: 'col' }, el('span', { class: 'visually-hidden' }, 'Actions')))), body)) : el('p', { class: 'empty' }, 'No runs yet.'),
      el('nav', { class: 'pager', 'aria-label': 'Run pages' }, newer, ' ', older));
    if (part === 'run' && runId && !page.before) { toggleDetail(Number(runId)); part = null; }
    if (opening) { openWhenListed = null; if (!open.has(opening)) toggleDetail(opening); }
  }

  function runRow(run) {
    const actions = el('td', { 'data-notes': '' },
      el('button', { type: 'button', class: 'quiet', 'data-action': 'log', 'aria-expanded': 'false', onclick: () => toggleDetail(run.id) }, 'Log'));
    if (can('operator') && (run.status === 'failed' || run.status === 'cancelled')) {
      actions.append(' ', el('button', { type: 'button', class: 'quiet', 'data-action': 'retry', onclick: (e) => retry(run, e.currentTarget) }, 'Retry'));
    }
    if (can('operator') && (run.status === 'queued' || run.status === 'running')) {
      actions.append(' ', el('button', { type: 'button', class: 'quiet', 'data-action': 'cancel', onclick: (e) => cancel(run, e.currentTarget) }, 'Cancel'));
    }
    return el('tr', { 'data-run': run.id },
      el('th', { scope: 'row' }, `#${run.id}`), el('td', { 'data-field': 'status' }, badge(run.status), run.dry_run ? ' dry run' : ''),
      el('td', {}, run.trigger || ''), el('td', {}, String(run.attempt ?? '')), el('td', {}, changes(run.summary)),
      el('td', {}, run.status === 'running' ? 'running…' : seconds(run.duration_seconds)), el('td', {}, ago(run.queued_at)),
      el('td', { class: 'message-cell' }, el('span', { class: 'clamp', title: run.message || '' }, run.message || '')), actions);
  }

  async function retry(run, button) {
    try {
      const result = await api('POST', `/runs/${run.id}/retry`);
      note(button, `Queued as run #${result.run_id ?? '?'}.`);
    } catch (error) {
      note(button, explain(`Retrying run #${run.id}`, error, 'operator'), 'error');
    }
  }

  async function cancel(run, button) {
    if (!(await confirmNear(button, `Cancel run #${run.id}?`, 'Cancel run'))) return;
    try {
      await api('POST', `/runs/${run.id}/cancel`);
      note(button, 'Cancelling…');
    } catch (error) {
      note(button, explain(`Cancelling run #${run.id}`, error, 'operator'), 'error');
    }
  }

  /** Opens the run's detail right below its row (or at the top of the list when it is on another page). */
  function toggleDetail(id) {
    if (open.has(id)) { open.get(id).close(); return; }
    const row = history.querySelector(`tr[data-run="${id}"]`);
    const detail = runDetail(id, () => {
      holder.remove();
      open.delete(id);
      const button = history.querySelector(`tr[data-run="${id}"] [data-action=log]`);
      button?.setAttribute('aria-expanded', 'false');
      button?.focus();
    });
    const holder = row ? el('tr', { class: 'detail', 'data-detail': id }, el('td', { colspan: 9 }, detail.node)) : detail.node;
    if (row) row.after(holder); else history.prepend(holder);
    row?.querySelector('[data-action=log]')?.setAttribute('aria-expanded', 'true');
    open.set(id, { holder, close: detail.close });
    holder.scrollIntoView({ block: 'nearest' });
  }

  function scheduleReload() {
    if (reload || page.before) return;
    reload = setTimeout(() => { reload = null; loadStats().catch(() => {}); }, 1000);
  }

  renderHead();
  loadStats().catch((error) => history.replaceChildren(el('p', { class: 'error-text' }, explain('Loading the runs', error))));
  const off = subscribe((change) => {
    if (change.name !== name && change.kind !== 'targets') return;
    renderHead();
    if (change.kind === 'event' && change.event.type !== 'run.progress') scheduleReload();
  });
  return () => { off(); clearTimeout(reload); for (const detail of open.values()) detail.close(); };
}

/** A run's facts and its log, streamed while the run runs (NDJSON with follow=true), with levels and a download. */
function runDetail(id, onClose) {
  const abort = new AbortController();
  const log = el('ol', { class: 'log', tabindex: '0', 'aria-label': `Log of run #${id}` });
  const facts = el('dl', { class: 'facts' });
  const level = el('select', { id: `log-level-${id}` }, el('option', { value: '' }, 'all levels'), LEVELS.map((l) => el('option', { value: l }, `${l} and above`)));
  const lines = [];
  const download = el('button', { type: 'button', class: 'quiet', onclick: () => {
    const text = lines.map((l) => `${l.at} ${l.level.toUpperCase()} ${l.message}`).join('\n') + '\n';
    const link = el('a', { href: URL.createObjectURL(new Blob([text], { type: 'text/plain' })), download: `run-${id}.log` });
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  } }, 'Download log');
  const state = el('span', { class: 'muted', role: 'status' });
  const close = () => { abort.abort(); onClose(); };
  const node = el('section', { class: 'run-detail', 'aria-label': `Run #${id}`, onkeydown: (e) => { if (e.key === 'Escape') close(); } },
    el('h4', {}, `Run #${id}`), ' ', el('button', { type: 'button', class: 'quiet', onclick: close }, 'Close'),
    facts, el('div', { class: 'log-tools' }, el('label', { for: `log-level-${id}` }, 'Show'), level, ' ', download, ' ', state), log);
  level.addEventListener('change', () => { const min = LEVELS.indexOf(level.value); for (const li of log.children) li.hidden = min > 0 && LEVELS.indexOf(li.dataset.level) < min; });

  const add = (line) => {
    lines.push(line);
    const min = LEVELS.indexOf(level.value);
    log.append(el('li', { 'data-level': line.level, hidden: min > 0 && LEVELS.indexOf(line.level) < min },
      el('time', { datetime: line.at }, new Date(line.at).toLocaleTimeString()), ' ', el('span', { class: 'level' }, line.level), ' ', line.message));
  };

  (async () => {
    try {
      const run = await api('GET', `/runs/${id}`);
      const field = (label, value) => (value === null || value === undefined || value === '' ? [] : [el('dt', {}, label), el('dd', {}, value)]);
      facts.replaceChildren(...field('Status', badge(run.status)), ...field('Target', run.target), ...field('Trigger', run.trigger),
        ...field('Attempt', run.attempt), ...field('Queued', exact(run.queued_at)), ...field('Started', exact(run.started_at)), ...field('Finished', exact(run.finished_at)),
        ...field('Duration', run.duration_seconds != null ? seconds(run.duration_seconds) : null), ...field('Plan', run.summary ? changes(run.summary) : null),
        ...field('Source revision', run.source_revision), ...field('Commit', run.commit_sha), ...field('Message', run.message));
      const active = run.status === 'queued' || run.status === 'running';
      state.textContent = active ? 'following the log…' : '';
      const headers = { Accept: active ? 'application/x-ndjson' : 'application/json' };
      if (session.token) headers.Authorization = 'Bearer ' + session.token;
      const response = await fetch(`/api/v1/runs/${id}/log${active ? '?follow=true' : ''}`, { headers, signal: abort.signal, cache: 'no-store' });
      if (!response.ok) throw new Error(`${response.status}`);
      if (!active) {
        for (const line of await response.json()) add(line);
      } else {
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          const parts = buffer.split('\n');
          buffer = parts.pop();
          for (const part of parts) if (part.trim()) add(JSON.parse(part));
        }
        state.textContent = 'run finished';
      }
      if (!lines.length) log.append(el('li', { class: 'muted' }, '(no log lines)'));
    } catch (error) {
      if (!abort.signal.aborted) state.textContent = `Reading the log of run #${id} failed: ${error.message}`;
    }
  })();
  return { node, close };
}

