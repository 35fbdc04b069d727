// Small DOM and formatting helpers. Server text goes into the page with textContent only, never as HTML.

export const $ = (selector, root = document) => root.querySelector(selector);

export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name.startsWith('on') && typeof value === 'function') node.addEventListener(name.slice(2), value);
    else if (value !== undefined && value !== null && value !== false) node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) if (child !== null && child !== undefined && child !== false) node.append(child instanceof Node ? child : String(child));
  return node;
}

export const exact = (at) => (at ? new Date(at).toLocaleString() : '');

// "2 min ago" / "in 1 h"; the unit follows the rounded amount (59 min 50 s is "1 h", not "60 min").
export function agoText(at, now = Date.now()) {
  const seconds = Math.round((now - Date.parse(at)) / 1000);
  const s = Math.abs(seconds);
  if (s < 5) return 'just now';
  const amount = s < 60 ? `${s} s` : s < 3570 ? `${Math.round(s / 60)} min` : s < 84600 ? `${Math.round(s / 3600)} h` : `${Math.round(s / 86400)} d`;
  return seconds < 0 ? `in ${amount}` : `${amount} ago`;
}

export const ago = (at, never = 'never') =>
  at ? el('time', { datetime: at, title: exact(at), 'data-ago': '' }, agoText(at)) : el('span', { class: 'muted' }, never);

/** Keeps every "2 min ago" in the page current, touching only the texts that changed (each change is laid out again). */
export function refreshTimes(root = document) {
  const now = Date.now();
  for (const time of root.querySelectorAll('time[data-ago]')) {
    const text = agoText(time.dateTime, now);
    if (time.textContent !== text) time.textContent = text;
  }
}

export function seconds(value) {
  if (value === null || value === undefined) return '—';
  const ms = Math.round(value * 1000);
  const whole = Math.round(value); // whole seconds first, so 119.6 s is "2 min 0 s", not "1 min 60 s"
  return ms < 1000 ? `${ms} ms` : ms < 59950 ? `${value.toFixed(1)} s` : `${Math.floor(whole / 60)} min ${whole % 60} s`;
}

export const title = (status) => (status ? status[0].toUpperCase() + status.slice(1) : '—');

export const badge = (status, label) => el('span', { class: 'badge', 'data-status': status || '' }, label ?? title(status));

export const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function changes(summary) {
  if (!summary) return '—';
  return `+${summary.creates} ~${summary.updates} −${summary.deletes} =${summary.unchanged}`;
}

const notes = new Map(); // key → { text, kind }: notes outlive the re-rendering of their control

/**
 * A note beside the control that caused it (role=status, so screen readers hear it), replacing the last one there.
 * With a key, the note is kept and shown again by noteFor(key) when the control is drawn anew.
 */
export function note(anchor, text, kind = 'info', key = null) {
  if (key) notes.set(key, { text, kind });
  const holder = anchor.closest('[data-notes]') || anchor.parentElement;
  let output = holder.querySelector(':scope > output.note');
  if (!output) holder.append(output = el('output', { class: 'note', role: 'status' }));
  output.textContent = text;
  output.dataset.kind = kind;
  output.hidden = !text;
  return output;
}

/** The kept note of a key, as an element to put beside its control; null when there is none. */
export function noteFor(key) {
  const kept = notes.get(key);
  return kept ? el('output', { class: 'note', role: 'status', 'data-kind': kept.kind }, kept.text) : null;
}

/** Asks beside the control: "question [Yes] [No]"; resolves true on Yes. Escape or No resolves false. */
export function confirmNear(anchor, question, yes = 'Yes') {
  return new Promise((resolve) => {
    const holder = anchor.closest('[data-notes]') || anchor.parentElement;
    holder.querySelector(':scope > .confirm')?.remove();
    const done = (answer) => { box.remove(); anchor.focus(); resolve(answer); };
    const ok = el('button', { type: 'button', onclick: () => done(true) }, yes);
    const no = el('button', { type: 'button', class: 'quiet', onclick: () => done(false) }, 'No');
    const box = el('div', { class: 'confirm', role: 'group', 'aria-label': question, onkeydown: (e) => { if (e.key === 'Escape') done(false); } },
      el('span', {}, question), ' ', ok, ' ', no);
    holder.append(box);
    ok.focus();
  });
}

/** Debounces per key: the latest call for a key wins after wait ms. */
export function keyedDebounce(wait, action) {
  const timers = new Map();
  return (key) => {
    clearTimeout(timers.get(key));
    timers.set(key, setTimeout(() => { timers.delete(key); action(key); }, wait));
  };
}

/** A message for the whole page (not for one control: those go beside it). kind: error, info, auth or outage. */
export function say(text, kind = 'error') {
  const box = $('#message');
  box.textContent = text;
  box.dataset.kind = kind;
  box.hidden = !text;
}
