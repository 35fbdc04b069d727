// Audit page (admins): who did what and when — Sync now, dry runs, retries, cancels, frequency changes, pauses,
// silences, acknowledgements, tokens — newest first, 50 a page, filtered by action (GET /audit, read-only); and the
// monthly audit report (GET /reports/audit) to download as JSON.

import { api, can, explain, items } from '../api.js';
import { el, exact, note, plural } from '../ui.js';

const PAGE = 50;

export function mount(root) {
  root.append(el('h2', { id: 'audit-heading' }, 'Audit log'));
  if (!can('admin')) {
    root.append(el('p', { class: 'empty' }, 'The audit log is for admins: use an admin token (syncplane token create --role admin).'));
    return () => {};
  }
  const action = el('select', { id: 'audit-action' }, el('option', { value: '' }, 'any action'));
  const body = el('tbody');
  const older = el('button', { type: 'button', class: 'quiet', disabled: true }, 'Older entries');
  const newer = el('button', { type: 'button', class: 'quiet', disabled: true }, 'Newer entries');
  const state = el('output', { class: 'muted', 'aria-live': 'polite' });
  root.append(el('section', { 'aria-labelledby': 'audit-heading' },
    el('div', { class: 'toolbar' }, el('label', { for: 'audit-action' }, 'Action'), action, state, monthlyReport()),
    el('div', { class: 'scroll' }, el('table', { id: 'audit' },
      el('thead', {}, el('tr', {}, ['When', 'Who', 'Action', 'On', 'Details'].map((h) => el('th', { scope: 'col' }, h)))), body)),
    el('div', { class: 'pager' }, newer, older)));

  const stack = []; // cursors of the newer pages
  let cursor = null;
  let next = null;
  let entries = [];

  async function load(at) {
    try {
      const page = await api('GET', `/audit?limit=${PAGE}${at ? '&cursor=' + encodeURIComponent(at) : ''}`);
      cursor = at;
      entries = items(page);
      next = page.next_cursor;
      const actions = new Set([...action.options].map((o) => o.value));
      for (const e of entries) if (!actions.has(e.action)) { action.append(el('option', { value: e.action }, e.action)); actions.add(e.action); }
      show();
    } catch (error) {
      body.replaceChildren(el('tr', {}, el('td', { colspan: 5, class: 'error-text' }, explain('Reading the audit log', error, 'admin'))));
    }
  }

  function show() {
    const shown = entries.filter((e) => !action.value || e.action === action.value);
    body.replaceChildren(...shown.map((e) => el('tr', { 'data-audit': e.id },
      el('td', {}, el('time', { datetime: e.at, title: exact(e.at) }, exact(e.at))),
      el('td', { 'data-field': 'actor' }, e.actor),
      el('td', { 'data-field': 'action' }, e.action),
      el('td', { 'data-field': 'subject' }, e.subject),
      el('td', { class: 'message-cell' }, el('code', {}, details(e.details))))));
    if (!shown.length) body.append(el('tr', {}, el('td', { colspan: 5, class: 'empty' }, entries.length ? 'No entry on this page has that action.' : 'Nothing recorded yet.')));
    state.textContent = `${shown.length} of ${entries.length} entries on this page`;
    older.disabled = !next;
    newer.disabled = !stack.length;
  }

  action.addEventListener('change', show);
  older.addEventListener('click', () => { stack.push(cursor); load(next); });
  newer.addEventListener('click', () => load(stack.pop() ?? null));
  load(null);
  return () => {};
}

/** "Monthly report [2026-11] [Download report]": the report of that month (UTC) as a JSON file. */
function monthlyReport() {
  const now = new Date();
  const previous = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
  const month = el('input', { id: 'report-month', type: 'month', value: previous, required: true });
  const download = el('button', { type: 'button', class: 'quiet', 'data-action': 'audit-report' }, 'Download report');
  download.addEventListener('click', async () => {
    download.disabled = true;
    try {
      const report = await api('GET', `/reports/audit?month=${encodeURIComponent(month.value)}`);
      const file = `syncplane-audit-${report.month}.json`;
      const link = el('a', { href: URL.createObjectURL(new Blob([JSON.stringify(report, null, 2) + '\n'], { type: 'application/json' })), download: file });
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 1000);
      note(download, `Saved ${file} (${plural(report.runs.attempts, 'run')}, ${plural(report.manual_syncs.length, 'person')} syncing by hand).`);
    } catch (error) {
      note(download, explain(`The audit report of ${month.value || 'that month'}`, error, 'admin'), 'error');
    } finally {
      download.disabled = false;
    }
  });
  return el('span', { class: 'report', 'data-notes': '' }, el('label', { for: 'report-month' }, 'Monthly report'), ' ', month, ' ', download);
}

/** {"run_id": 4, "coalesced": false} → run_id=4 coalesced=false */
function details(value) {
  if (!value || typeof value !== 'object') return value == null ? '' : String(value);
  return Object.entries(value).map(([k, v]) => `${k}=${typeof v === 'object' && v !== null ? JSON.stringify(v) : v}`).join(' ');
}
