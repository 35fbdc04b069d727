// A long table whose rows are in the document only when they are on screen or near it: laying out a 1,000-row table on
// every frame kept the main thread busy. The rows before and after the window are stood for by spacer rows as tall as
// they are (each row's height as measured when it was last shown, else the average of those measured), so the page has
// the whole table's length and scrolls as if every row were there. The table keeps its semantics: aria-rowcount on
// the table and aria-rowindex on each row say where a row is in the whole list. The row holding the focus stays in
// the document, so scrolling away does not take the focus with it.

import { el } from './ui.js';

const OVERSCAN = 50; // rows kept beyond each edge of the screen
const SLACK = 15; // the window moves once fewer rows than this are left beyond an edge of the screen
const FIRST_GUESS = 40; // px a row is thought to be before any was measured

export class RowWindow {
  /**
   * @param {HTMLTableElement} table the table (it gets aria-rowcount; its header is row 1)
   * @param {HTMLTableSectionElement} body the tbody the rows go in
   * @param {number} columns the number of columns (for the spacers' colspan)
   * @param {() => void} moved called when the page scrolled, resized or a shown row changed its height
   */
  constructor(table, body, columns, moved) {
    this.table = table;
    this.body = body;
    this.columns = columns;
    this.heights = new Map(); // key → px, as last measured
    this.measured = 0; // the sum of the heights measured
    this.shown = new Map(); // key → row, the rows in the document
    this.keys = new WeakMap(); // row → key
    this.spacers = {}; // 'before', 'between', 'after' → its row
    this.order = []; // the table's children (rows and spacers), in order
    this.start = 0;
    this.end = -1; // the window: indexes start..end of the list, both included
    this.viewTop = 0; // the screen's top and bottom, in px from the top of the body
    this.viewBottom = innerHeight;
    this.resized = new ResizeObserver((entries) => {
      let changed = false;
      for (const entry of entries) {
        const key = this.keys.get(entry.target);
        if (key === undefined || !entry.target.isConnected) continue;
        const height = entry.borderBoxSize?.[0]?.blockSize ?? entry.target.offsetHeight;
        const was = this.heights.get(key);
        if (was === height) continue;
        this.measured += height - (was ?? 0);
        this.heights.set(key, height);
        changed = true;
      }
      if (changed) moved();
    });
    this.moved = () => moved();
    addEventListener('scroll', this.moved, { passive: true });
    addEventListener('resize', this.moved);
  }

  /** Reads where the screen is over the body; call it before writing to the page in a frame (it reads the layout). */
  look() {
    const top = this.body.getBoundingClientRect().top;
    this.viewTop = -top;
    this.viewBottom = innerHeight - top;
  }

  /**
   * Makes the table show the list keys (in its order) through the window: rowOf(key) gives a key's row. Returns the
   * keys whose rows came into the document (their content may want refreshing).
   */
  show(keys, rowOf) {
    const n = keys.length;
    const guess = this.heights.size ? this.measured / this.heights.size : FIRST_GUESS;
    const height = (key) => this.heights.get(key) ?? guess;
    const [first, last] = this.onScreen(keys, height);
    const settled = (this.start === 0 || first - this.start >= SLACK) && (this.end >= n - 1 || this.end - last >= SLACK)
      && this.start <= first && last <= this.end && this.end < n;
    if (!settled) {
      this.start = Math.max(0, first - OVERSCAN);
      this.end = Math.min(n - 1, last + OVERSCAN);
    }
    const wanted = [];
    for (let i = this.start; i <= this.end; i++) wanted.push(i);
    const focused = this.focusedIndex(keys);
    if (focused >= 0 && (focused < this.start || focused > this.end)) {
      if (focused < this.start) wanted.unshift(focused); else wanted.push(focused);
    }

    const next = [];
    const entered = [];
    const rows = new Map();
    let at = 0;
    // A spacer keeps its place (before the window, before the focused row, after both), so a change of the window
    // changes its height rather than moving it.
    const gap = (to, which) => {
      let px = 0;
      for (let i = at; i < to; i++) px += height(keys[i]);
      next.push(this.spacer(which, px));
    };
    for (const i of wanted) {
      if (i > at) gap(i, at === 0 ? 'before' : 'between');
      const key = keys[i];
      const row = rowOf(key);
      if (!this.shown.has(key)) entered.push(key);
      rows.set(key, row);
      this.keys.set(row, key);
      const index = String(i + 2); // the header is row 1
      if (row.getAttribute('aria-rowindex') !== index) row.setAttribute('aria-rowindex', index);
      next.push(row);
      at = i + 1;
    }
    if (at < n) gap(n, 'after');

    for (const [key, row] of this.shown) if (rows.get(key) !== row) this.resized.unobserve(row);
    for (const key of entered) this.resized.observe(rows.get(key));
    this.shown = rows;
    const count = String(n + 1);
    if (this.table.getAttribute('aria-rowcount') !== count) this.table.setAttribute('aria-rowcount', count);
    this.place(next);
    return entered;
  }

  /** The first and last index of the list on screen (by the heights known or guessed). */
  onScreen(keys, height) {
    let first = -1;
    let last = -1;
    let y = 0;
    for (let i = 0; i < keys.length && y < this.viewBottom; i++) {
      const h = height(keys[i]);
      if (first < 0 && y + h > this.viewTop) first = i;
      last = i;
      y += h;
    }
    if (first < 0) first = Math.max(0, last); // the screen is below the table (or the table is empty)
    return [first, Math.max(first, last)];
  }

  focusedIndex(keys) {
    const active = document.activeElement;
    if (!active || !this.body.contains(active)) return -1;
    let row = active;
    while (row.parentElement !== this.body) row = row.parentElement;
    const key = this.keys.get(row);
    return key === undefined ? -1 : keys.indexOf(key);
  }

  spacer(which, px) {
    const spacer = this.spacers[which] ??= el('tr', { class: 'spacer', 'aria-hidden': 'true' }, el('td', { colspan: this.columns }));
    const height = `${Math.round(px)}px`;
    if (spacer.firstChild.style.height !== height) spacer.firstChild.style.height = height;
    return spacer;
  }

  // Makes the body's children those of next, in its order, moving as few as it can: the children in the longest run
  // that is already in order stay where they are (each move makes the browser lay the table out again).
  place(next) {
    const order = this.order;
    if (next.length === order.length && next.every((node, i) => node === order[i])) return;
    const was = new Map(order.map((node, i) => [node, i]));
    const staying = new Set(next);
    for (const node of order) if (!staying.has(node)) node.remove();
    const keep = longestIncreasing(next.map((node) => was.get(node) ?? -1));
    let after = null;
    for (let i = next.length - 1; i >= 0; i--) {
      if (!keep.has(i)) this.body.insertBefore(next[i], after);
      after = next[i];
    }
    this.order = next;
  }

  /** Forgets a key that left the list for good (its row is dropped). */
  forget(key) {
    const height = this.heights.get(key);
    if (height !== undefined) { this.measured -= height; this.heights.delete(key); }
  }

  dispose() {
    this.resized.disconnect();
    removeEventListener('scroll', this.moved);
    removeEventListener('resize', this.moved);
  }
}

/** The indexes of a longest strictly increasing run of values (not necessarily adjacent); negative values are left out. */
function longestIncreasing(values) {
  const tails = []; // tails[k]: the index ending the smallest-valued increasing run of length k + 1 found so far
  const previous = new Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < 0) continue;
    let lo = 0, hi = tails.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (values[tails[mid]] < v) lo = mid + 1; else hi = mid; }
    previous[i] = lo > 0 ? tails[lo - 1] : -1;
    tails[lo] = i;
  }
  const keep = new Set();
  for (let i = tails.length ? tails[tails.length - 1] : -1; i >= 0; i = previous[i]) keep.add(i);
  return keep;
}
