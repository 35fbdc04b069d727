// How a target's state reads, shared by the overview and the target page.

import { api, can, explain } from './api.js';
import { refreshTarget } from './store.js';
import { ago, badge, el, note, noteFor, plural } from './ui.js';

export const FREQUENCIES = ['manual', 'realtime', '5min', '10min', '30min', 'hourly', 'daily'];

export const targetLink = (name) => el('a', { href: '#/target/' + encodeURIComponent(name), class: 'name' }, name);

export const runLink = (name, id) => el('a', { href: `#/target/${encodeURIComponent(name)}/run/${id}` }, `#${id}`);

/** The status badge, with "paused" and a running run's progress. */
export function statusOf(t) {
  const progress = t.sync_status === 'syncing' && t.progress?.total ? ` ${t.progress.done}/${t.progress.total}` : '';
  return [badge(t.sync_status || 'idle'), progress, t.paused_reason ? [' ', badge('paused', 'Paused')] : null];
}

export function lastRunOf(t) {
  if (t.last_run_id == null) return [el('span', { class: 'muted' }, 'none')];
  return [badge(t.last_run_status), ' ', runLink(t.name, t.last_run_id)];
}

/**
 * What needs attention: why it waits (grey), its current error (red, with when and the retry to come), why its
 * latest run was refused (amber), or the error it recovered from (grey, "Resolved"). Long texts are clamped to
 * two lines; the whole text is in the tooltip and on the target page.
 */
export function problemOf(t) {
  const text = (kind, cls, content, at) => [el('span', { class: `clamp ${cls}`, 'data-kind': kind, title: content }, content), at ? [' ', el('small', { class: 'when' }, ago(at))] : null];
  if (t.sync_status === 'waiting' && t.waiting_reason) return text('waiting', 'muted', t.waiting_reason);
  if (t.last_sync_error) {
    const retry = t.sync_status === 'retrying'
      ? [el('span', { 'data-kind': 'retry' }, `Attempt ${t.attempt} of ${t.max_attempts} `), ago(t.next_attempt_at), ' after: '] : [];
    return [...retry, ...text('error', 'error-text', t.last_sync_error, t.last_sync_error_at)];
  }
  if (t.last_run_status === 'refused') return text('refused', 'warn-text', `Refused: ${t.last_run_message || 'no reason given'}`);
  if (t.previous_sync_error) return text('previous', 'muted', `Resolved: ${t.previous_sync_error}`, t.previous_sync_error_at);
  return [];
}

export function countsOf(t) {
  const attempts = t.total_syncs_attempted || 0;
  const changes = t.total_syncs_with_changes || 0;
  const share = attempts ? ` (${((100 * changes) / attempts).toFixed(1)}%)` : '';
  return `${plural(attempts, 'attempt')} | ${plural(changes, 'change')}${share}`;
}

export const nextOf = (t) => (t.next_run_at ? ago(t.next_run_at) : el('span', { class: 'muted' }, '—'));

/** The frequency: a select and "Use config" for admins, text for the others; "override" marks a runtime override. */
export function frequencyControl(t) {
  const marker = t.frequency_overridden ? el('span', { class: 'override', title: 'Set at run time; it overrides the schedule in the config file' }, 'override') : null;
  if (!can('admin')) return el('span', { 'data-notes': '' }, el('span', { 'data-field': 'frequency-text' }, t.sync_frequency), ' ', marker);
  const id = 'frequency-' + t.name.replace(/[^A-Za-z0-9_-]/g, '_');
  const current = t.sync_frequency || 'manual';
  const values = FREQUENCIES.includes(current) ? FREQUENCIES : [current, ...FREQUENCIES];
  // selected as an attribute too, so the overview sees a changed frequency in the control's HTML
  const select = el('select', { id }, values.map((v) => el('option', { value: v, selected: v === current }, FREQUENCIES.includes(v) ? v : `${v} (from config)`)));
  select.value = current;
  select.addEventListener('change', () => setFrequency(t, select.value, select));
  const reset = t.frequency_overridden
    ? el('button', { type: 'button', class: 'quiet', 'data-action': 'use-config', onclick: (e) => setFrequency(t, null, e.currentTarget) }, 'Use config') : null;
  return el('span', { 'data-notes': '', class: 'frequency' },
    el('label', { for: id, class: 'visually-hidden' }, `Frequency of ${t.name}`), select, ' ', marker, ' ', reset, noteFor(`${t.name}:frequency`));
}

async function setFrequency(t, frequency, control) {
  control.disabled = true;
  try {
    const telemetry = await api('PATCH', `/targets/${encodeURIComponent(t.name)}/frequency`, { frequency });
    note(control, frequency === null ? `Back to the config's schedule (${telemetry.sync_frequency}).` : `Frequency of ${t.name} set to ${frequency}.`, 'info', `${t.name}:frequency`);
  } catch (error) {
    note(control, explain(`Changing the frequency of ${t.name}`, error, 'admin'), 'error', `${t.name}:frequency`);
    if (control.tagName === 'SELECT') control.value = t.sync_frequency;
  } finally {
    control.disabled = false;
    refreshTarget(t.name);
  }
}

export function syncButton(t, label = 'Sync now') {
  if (!can('operator')) return null;
  const button = el('button', { type: 'button', 'data-action': 'sync', 'aria-label': `${label}: ${t.name}` }, label);
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      const result = await api('POST', `/targets/${encodeURIComponent(t.name)}/sync`);
      note(button, `Queued as run #${result.run_id}${result.coalesced ? ' (joined the run already queued)' : ''}.`, 'info', `${t.name}:sync`);
    } catch (error) {
      note(button, explain(`Sync now on ${t.name}`, error, 'operator'), 'error', `${t.name}:sync`);
    } finally {
      button.disabled = false;
    }
  });
  return button;
}

