// Checks page (seed 002's heartbeats): each check grouped by section, with a bar of recent results, 24 h and 30 d
// uptime, a response-time chart, certificate days left and incidents (periods it was down).

import { api, explain } from '../api.js';
import { resultBar, valueChart } from '../charts.js';
import { store, subscribe } from '../store.js';
import { ago, badge, el, exact, keyedDebounce } from '../ui.js';

const HISTORY = 500;
const DAY = 86400000;

export function mount(root) {
  const cards = new Map();
  const groups = el('div', { class: 'check-groups' });
  root.append(el('h2', {}, 'Checks ', badge(store.checksOverall)), groups);
  const checks = [...store.checks.values()];
  if (!checks.length) groups.append(el('p', { class: 'empty' }, 'No checks are declared (checks: in the config).'));
  const sections = new Map();
  for (const check of checks) {
    const section = check.section || 'Checks';
    if (!sections.has(section)) {
      const list = el('div', { class: 'check-list' });
      groups.append(el('section', { 'aria-label': section }, el('h3', {}, section), list));
      sections.set(section, list);
    }
    const card = el('article', { class: 'check', 'data-check': check.name, 'aria-label': check.display_name || check.name });
    sections.get(section).append(card);
    cards.set(check.name, card);
    load(check.name);
  }

  async function load(name) {
    const card = cards.get(name);
    try {
      render(card, await api('GET', `/checks/${encodeURIComponent(name)}?limit=${HISTORY}&days=30`));
    } catch (error) {
      card.replaceChildren(el('h4', {}, name), el('p', { class: 'error-text' }, explain(`Reading check ${name}`, error)));
    }
  }
  const reload = keyedDebounce(300, load);

  const off = subscribe((change) => { if (change.kind === 'check' && cards.has(change.name)) reload(change.name); });
  return () => off();
}

function render(card, detail) {
  const check = detail.check;
  const history = detail.history; // newest first
  const now = Date.now();
  const day = history.filter((r) => now - Date.parse(r.checked_at) < DAY);
  const up = (results) => (results.length ? `${((100 * results.filter((r) => r.status !== 'down').length) / results.length).toFixed(2)}%` : '—');
  const samples = detail.daily.reduce((n, d) => n + d.samples, 0);
  const month = samples ? `${(detail.daily.reduce((n, d) => n + d.uptime_percent * d.samples, 0) / samples).toFixed(2)}%` : '—';
  const recent = history.slice(0, 50).reverse();
  const latencies = history.slice(0, 100).reverse();
  const cert = detail.details?.cert_days_left;
  const fact = (label, value) => [el('dt', {}, label), el('dd', {}, value)];
  card.dataset.status = check.status;
  card.replaceChildren(
    el('h4', {}, check.display_name || check.name, ' ', badge(check.status)),
    el('p', { class: 'clamp', title: check.message }, check.message),
    recent.length ? resultBar(recent.map((r) => ({ status: r.status, text: `${exact(r.checked_at)} ${r.status}: ${r.message}` })),
      `Last ${recent.length} results of ${check.name}, oldest first`) : '',
    el('dl', { class: 'facts' },
      fact('Uptime 24 h', up(day)), fact('Uptime 30 d', month),
      fact('Response time', check.latency_ms != null ? `${check.latency_ms} ms` : '—'),
      fact('Checked', ago(check.checked_at)),
      cert !== undefined ? fact('Certificate', `${cert} days left`) : [],
      fact('Kind', check.kind)),
    latencies.some((r) => r.latency_ms != null)
      ? el('figure', {}, el('figcaption', {}, 'Response time'), valueChart(latencies.map((r) => ({ value: r.latency_ms ?? null, text: `${exact(r.checked_at)}: ${r.latency_ms ?? '—'} ms` })),
        { label: `Response time of ${check.name}`, unit: ' ms' })) : '',
    incidents(history));
}

/** Periods the check was down, newest first, from its history. */
function incidents(history) {
  const found = [];
  let end = null; // the result after a down period (newest first: seen before the period)
  for (let i = 0; i < history.length; i++) {
    const r = history[i];
    if (r.status !== 'down') { end = r; continue; }
    let j = i;
    while (j + 1 < history.length && history[j + 1].status === 'down') j++;
    found.push({ from: history[j].checked_at, to: end?.checked_at ?? null, message: history[j].message });
    i = j;
  }
  if (!found.length) return el('p', { class: 'muted' }, 'No incidents in the recent results.');
  return el('details', {}, el('summary', {}, `${found.length} ${found.length === 1 ? 'incident' : 'incidents'} in the recent results`),
    el('ul', { class: 'incidents' }, found.slice(0, 10).map((f) => el('li', {}, `Down from ${exact(f.from)} `, f.to ? `to ${exact(f.to)}` : '(still down)', `: ${f.message}`))));
}
