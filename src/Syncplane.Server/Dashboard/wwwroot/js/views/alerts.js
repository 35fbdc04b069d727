// Alerts page: every alert (rule × target or check) with its state — firing and pending first — with Acknowledge and
// Silence for operators; the active silences, how each notification channel is doing, and the recent transitions.
// The states come from the store (GET /alerts, read again after alert.* events); the history is read with them.

import { api, can, explain, items } from '../api.js';
import { loadAlerts, store, subscribe } from '../store.js';
import { ago, badge, el, exact, note, noteFor } from '../ui.js';
import { targetLink } from '../targets.js';

const ORDER = { firing: 0, pending: 1, resolved: 2, ok: 3 };
const DURATIONS = ['1h', '2h', '8h', '1d', '7d'];

export function mount(root) {
  const summary = el('p', { 'data-field': 'alert-counts' });
  const states = el('div', { class: 'scroll' });
  const silences = el('div');
  const channels = el('div');
  const history = el('ol', { class: 'feed', id: 'alert-history' });
  root.append(
    el('section', { 'aria-labelledby': 'alerts-heading' }, el('h2', { id: 'alerts-heading' }, 'Alerts'), summary, states),
    el('section', { 'aria-labelledby': 'silences-heading' }, el('h2', { id: 'silences-heading' }, 'Silences'), silences),
    el('section', { 'aria-labelledby': 'channels-heading' }, el('h2', { id: 'channels-heading' }, 'Channels'), channels),
    el('section', { 'aria-labelledby': 'history-heading' }, el('h2', { id: 'history-heading' }, 'Recent transitions'), history));

  function render() {
    const data = store.alerts;
    if (!data) {
      states.replaceChildren(el('p', { class: 'empty' }, 'Reading the alerts…'));
      return;
    }
    if (states.contains(document.activeElement) && document.activeElement.closest('.silence-form, .confirm')) return; // the user is filling a form
    const alerts = [...data.alerts].sort((a, b) => (ORDER[a.state] ?? 4) - (ORDER[b.state] ?? 4) || Date.parse(b.since) - Date.parse(a.since));
    const count = (state) => alerts.filter((a) => a.state === state).length;
    summary.textContent = alerts.length
      ? `${count('firing')} firing, ${count('pending')} pending, ${alerts.length - count('firing') - count('pending')} ok or resolved`
      : 'No alert has been evaluated yet (alerts: in the config; serve evaluates them every 30 s and after each run).';
    states.replaceChildren(alerts.length ? el('table', { id: 'alerts' },
      el('thead', {}, el('tr', {}, ['Alert', 'State', 'Severity', 'Since', 'Condition', 'Now', 'Notified', 'Acknowledged'].map((h) => el('th', { scope: 'col' }, h)),
        el('th', { scope: 'col' }, el('span', { class: 'visually-hidden' }, 'Actions')))),
      el('tbody', {}, alerts.map(row))) : '');
    silences.replaceChildren(data.silences.length
      ? el('ul', { class: 'layer-targets' }, data.silences.map((s) => el('li', { 'data-silence': s.id },
        Object.entries(s.matchers).map(([k, v]) => `${k}=${v}`).join(', '), ' until ', el('time', { datetime: s.until, title: exact(s.until) }, exact(s.until)),
        ` by ${s.created_by}`, s.comment ? `: ${s.comment}` : '')))
      : el('p', { class: 'empty' }, 'No active silences.'));
    channels.replaceChildren(data.channels.length
      ? el('ul', { class: 'layer-targets' }, data.channels.map((c) => el('li', { 'data-channel': c.notifier },
        el('strong', {}, c.notifier), ' ', badge(c.failing ? 'failed' : 'succeeded', c.failing ? 'failing' : 'ok'),
        c.pending ? ` ${c.pending} pending` : '', ' · last sent ', ago(c.last_success_at),
        c.failing ? [' · ', el('span', { class: 'error-text' }, `${c.consecutive_failures} failed: ${c.last_error || ''}`)] : '')))
      : el('p', { class: 'empty' }, 'No alert has been sent yet.'));
  }

  function row(a) {
    const subject = a.target ? ['target ', targetLink(a.target)] : ['check ', el('a', { href: '#/checks' }, a.check)];
    const actions = el('td', { 'data-notes': '', 'data-field': 'actions' });
    if (can('operator')) {
      if (a.state === 'firing' && !a.acked_by) {
        actions.append(el('button', { type: 'button', class: 'quiet', 'data-action': 'ack', onclick: (e) => ack(a, e.currentTarget) }, 'Acknowledge'), ' ');
      }
      actions.append(el('button', { type: 'button', class: 'quiet', 'data-action': 'silence', 'aria-expanded': 'false', onclick: (e) => silenceForm(a, e.currentTarget) }, 'Silence'));
    }
    actions.append(noteFor(`alert:${a.id}`) || '');
    return el('tr', { 'data-alert': a.id, 'data-state': a.state },
      el('th', { scope: 'row' }, a.rule, el('small', { class: 'muted' }, ' on ', ...subject)),
      el('td', { 'data-field': 'state' }, badge(a.state)),
      el('td', {}, a.severity),
      el('td', {}, ago(a.since)),
      el('td', {}, a.condition || ''),
      el('td', {}, a.value_text ?? (a.value ?? '—')),
      el('td', {}, a.notified ? 'yes' : 'no'),
      el('td', { 'data-field': 'acked' }, a.acked_by ? [a.acked_by, ' ', ago(a.acked_at)] : el('span', { class: 'muted' }, '—')),
      actions);
  }

  async function ack(a, button) {
    button.disabled = true;
    try {
      await api('POST', `/alerts/${a.id}/ack`);
      note(button, `Acknowledged ${a.rule}.`, 'info', `alert:${a.id}`);
      await loadAlerts();
    } catch (error) {
      note(button, explain(`Acknowledging alert ${a.rule}`, error, 'operator'), 'error', `alert:${a.id}`);
      button.disabled = false;
    }
  }

  /** A small form beside the control: silence this rule on this target (or check) for a while, with a comment. */
  function silenceForm(a, button) {
    const holder = button.closest('[data-notes]');
    const open = holder.querySelector('.silence-form');
    if (open) { open.remove(); button.setAttribute('aria-expanded', 'false'); return; }
    const id = `silence-${a.id}`;
    const duration = el('select', { id: `${id}-for` }, DURATIONS.map((d) => el('option', { value: d }, d)));
    const comment = el('input', { id: `${id}-comment`, type: 'text', placeholder: 'why', required: true });
    const matchers = { rule: a.rule, ...(a.target ? { target: a.target } : { check: a.check }) };
    const form = el('form', { class: 'silence-form confirm', 'aria-label': `Silence ${a.rule}`, onkeydown: (e) => { if (e.key === 'Escape') { form.remove(); button.focus(); } } },
      el('span', {}, `Silence ${a.rule} on ${a.target || a.check} for `), el('label', { for: `${id}-for`, class: 'visually-hidden' }, 'Silence for'), duration,
      ' ', el('label', { for: `${id}-comment` }, 'Comment'), ' ', comment, ' ', el('button', { type: 'submit' }, 'Silence alert'));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      try {
        const silence = await api('POST', '/alerts/silences', { matchers, duration: duration.value, comment: comment.value.trim() });
        form.remove();
        note(button, `Silenced until ${exact(silence.until)}.`, 'info', `alert:${a.id}`);
        await loadAlerts();
      } catch (error) {
        note(button, explain(`Silencing ${a.rule}`, error, 'operator'), 'error', `alert:${a.id}`);
      }
    });
    holder.append(form);
    button.setAttribute('aria-expanded', 'true');
    comment.focus();
  }

  async function loadHistory() {
    try {
      const entries = items(await api('GET', '/alerts/history?limit=50'));
      history.replaceChildren(...(entries.length ? entries.map((h) => el('li', { 'data-transition': h.transition },
        el('time', { datetime: h.at, title: exact(h.at) }, exact(h.at)), ' ', badge(h.transition), ` ${h.rule} on ${h.subject}`, h.message ? `: ${h.message}` : ''))
        : [el('li', { class: 'muted' }, 'No transitions yet.')]));
    } catch (error) {
      history.replaceChildren(el('li', { class: 'error-text' }, explain('Reading the alert history', error)));
    }
  }

  const off = subscribe((change) => { if (change.kind === 'alerts') { render(); loadHistory(); } });
  render();
  loadHistory();
  loadAlerts().catch((error) => states.replaceChildren(el('p', { class: 'error-text' }, explain('Reading the alerts', error))));
  // A channel's deliveries (sent, failing) make no event: while the page is open, read them again every 10 s.
  const poll = setInterval(() => loadAlerts().catch(() => {}), 10_000);
  return () => { off(); clearInterval(poll); };
}
