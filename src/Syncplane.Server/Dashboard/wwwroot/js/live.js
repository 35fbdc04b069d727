// The event stream (/api/v1/events) with a visible, accurate connection state. The browser resumes with
// Last-Event-ID by itself after a dropped connection; when it gives up (the server answered with an error),
// we reopen the stream ourselves with ?last_event_id=, so no event is missed either way.

import { api, ApiError, session, traffic } from './api.js';

const EVENT_TYPES = ['run.queued', 'run.started', 'run.progress', 'run.succeeded', 'run.failed', 'run.refused', 'run.cancelled',
  'run.requeued', 'run.waiting', 'items.changed', 'target.settings_changed', 'webhook.received', 'check.changed',
  'alert.pending', 'alert.firing', 'alert.resolved', 'alert.cleared', 'alert.acknowledged', 'alert.silenced'];
const RETRY_MS = 2000;

// state: connecting | live | reconnecting | offline; liveAt: when the stream was last known open.
export const connection = { state: 'offline', lastEventId: null, liveAt: null, reason: '' };

let source = null;
let retry = null;
let handlers = { event: () => {}, state: () => {} };

function setState(state, reason = '') {
  const was = connection.state;
  connection.state = state;
  connection.reason = reason;
  if (state === 'live') connection.liveAt = Date.now();
  handlers.state(state, was);
}

export function start(onEvent, onState) {
  handlers = { event: onEvent, state: onState };
}

export function stop(reason = '') {
  clearTimeout(retry);
  source?.close();
  source = null;
  setState('offline', reason);
}

export function open() {
  clearTimeout(retry);
  source?.close();
  const query = new URLSearchParams();
  if (session.token) query.set('access_token', session.token);
  if (connection.lastEventId) query.set('last_event_id', connection.lastEventId);
  const stream = new EventSource('/api/v1/events' + (query.size ? '?' + query : ''));
  source = stream;
  if (connection.state === 'offline') setState('connecting');
  const receive = (message) => {
    if (source !== stream) return;
    traffic.bytes += message.data.length;
    if (message.lastEventId) connection.lastEventId = message.lastEventId;
    let event;
    try { event = JSON.parse(message.data); } catch { return; }
    handlers.event(event);
  };
  for (const type of EVENT_TYPES) stream.addEventListener(type, receive);
  stream.onmessage = receive;
  stream.onopen = () => { if (source === stream) setState('live'); };
  stream.onerror = () => {
    if (source !== stream) return;
    if (stream.readyState !== EventSource.CLOSED) { setState('reconnecting'); return; } // the browser retries by itself
    source = null;
    probe();
  };
}

// The server refused the stream: find out why before trying again (a revoked token will not come back).
async function probe() {
  try {
    await api('GET', '/whoami');
    setState('reconnecting');
    retry = setTimeout(open, RETRY_MS);
  } catch (error) {
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) { setState('offline', 'refused'); return; }
    setState('reconnecting');
    retry = setTimeout(open, RETRY_MS);
  }
}
