// Layers page (seed 001 §6): targets grouped by their layer (the config's layer: key), with each layer's health.
// Documents of live state join each layer here once their API exists.

import { store, subscribe } from '../store.js';
import { badge, el } from '../ui.js';
import { problemOf, statusOf, targetLink } from '../targets.js';

export function mount(root) {
  const body = el('div', { class: 'layers' });
  root.append(el('h2', {}, 'Layers'), body);
  let frame = 0;

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
          stale.has(t.name) ? badge('retrying', 'stale') : '', ' ', ...problemOf(t).flat().filter(Boolean)))));
    }));
  }

  const off = subscribe(() => { if (!frame) frame = requestAnimationFrame(render); });
  render();
  return () => { off(); cancelAnimationFrame(frame); };
}
