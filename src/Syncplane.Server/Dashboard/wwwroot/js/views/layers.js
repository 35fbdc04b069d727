// Layers page (seed 001 §6): targets grouped by their layer (the config's layer: key), with each layer's health, and
// the documents of live state (GET /documents) under the layer of the target that feeds them: their age, whether they
// are stale, and the error of a later failed run (the last good document is still served). Documents are read again
// when a run of a feeding target ends.

import { api, explain, items } from '../api.js';
import { store, subscribe } from '../store.js';
import { ago, badge, el, exact, keyedDebounce } from '../ui.js';
import { problemOf, statusOf, targetLink } from '../targets.js';

const RUN_ENDS = new Set(['run.succeeded', 'run.failed', 'run.refused', 'run.cancelled', 'items.changed']);

export function mount(root) {
  const body = el('div', { class: 'layers' });
  root.append(el('h2', {}, 'Layers'), body);
  let frame = 0;
  let documents = []; // GET /documents items
  let documentsError = '';

  function render() {
    frame = 0;
    const stale = new Set((store.overview?.stale_targets || []).map((s) => s.target));
    const layers = new Map();
    for (const t of store.targets.values()) {
      const name = t.layer || '';
      if (!layers.has(name)) layers.set(name, []);
      layers.get(name).push(t);
    }
    const ordered = [...layers.keys()].sort((a, b) => (a === '') - (b === '') || a.localeCompare(b));
    body.replaceChildren(...ordered.map((name) => {
      const targets = layers.get(name);
      const failing = targets.filter((t) => t.last_sync_error).length;
      const staleCount = targets.filter((t) => stale.has(t.name)).length;
      const busy = targets.filter((t) => ['syncing', 'queued', 'retrying', 'waiting'].includes(t.sync_status)).length;
      const health = failing ? 'failing' : staleCount ? 'stale' : 'healthy';
      return el('section', { class: 'layer', 'data-layer': name, 'aria-label': `Layer ${name || '(none)'}` },
        el('h3', {}, name || 'No layer', ' ', badge(health === 'healthy' ? 'succeeded' : health === 'stale' ? 'retrying' : 'failed', health)),
        el('p', { class: 'muted', 'data-field': 'layer-counts' }, `${targets.length} targets: ${targets.length - failing} without error, ${failing} failing, ${staleCount} stale, ${busy} busy`),
        el('ul', { class: 'layer-targets' }, targets.map((t) => el('li', { 'data-target': t.name }, targetLink(t.name), ' ', ...statusOf(t).flat().filter(Boolean), ' ',
          stale.has(t.name) ? badge('retrying', 'stale') : '', ' ', ...problemOf(t).flat().filter(Boolean)))),
        documentList(documents.filter((d) => targets.some((t) => t.name === d.target))));
    }));
    if (documentsError) body.prepend(el('p', { class: 'error-text' }, documentsError));
  }

  async function loadDocuments() {
    try {
      documents = items(await api('GET', '/documents'));
      documentsError = '';
    } catch (error) {
      documentsError = explain('Reading the documents', error);
    }
    if (!frame) frame = requestAnimationFrame(render);
  }
  const documentsSoon = keyedDebounce(300, loadDocuments);

  const off = subscribe((change) => {
    if (change.kind === 'event' && RUN_ENDS.has(change.event.type) && documents.some((d) => d.target === change.event.target)) documentsSoon('documents');
    if (!frame) frame = requestAnimationFrame(render);
  });
  render();
  loadDocuments();
  return () => { off(); cancelAnimationFrame(frame); };
}

/** A layer's documents: fresh or stale (older than the ttl, or never synced), age, counts and a later run's error. */
function documentList(documents) {
  if (!documents.length) return '';
  return el('div', { class: 'documents' }, el('h4', {}, 'Documents'),
    el('ul', { class: 'layer-targets' }, documents.map((d) => el('li', { 'data-document': d.name },
      el('strong', {}, d.name), ' ', badge(d.stale ? 'retrying' : 'succeeded', d.stale ? 'stale' : 'fresh'), ' ',
      el('span', { 'data-field': 'age' }, d.synced_at ? ['synced ', ago(d.synced_at)] : 'never synced'),
      ` · ttl ${ttl(d.ttl_seconds)} · `, Object.entries(d.counts || {}).map(([g, n]) => `${g} ${n}`).join(', ') || 'no groups',
      d.last_error ? el('span', { class: 'clamp error-text', 'data-field': 'document-error', title: d.last_error.message },
        `Run #${d.last_error.run_id} ${d.last_error.status} ${exact(d.last_error.at)}: ${d.last_error.message} — the last good document is still served`) : ''))));
}

const ttl = (s) => (s % 86400 === 0 ? `${s / 86400} d` : s % 3600 === 0 ? `${s / 3600} h` : s % 60 === 0 ? `${s / 60} min` : `${s} s`);
