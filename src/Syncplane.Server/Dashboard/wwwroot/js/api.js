// The REST API (/api/v1) with the token the user entered; the token lives in localStorage and the token field only.

const TOKEN_KEY = 'syncplane.token';
const ROLES = ['viewer', 'operator', 'admin'];

export const session = { token: localStorage.getItem(TOKEN_KEY) || '', name: null, role: null };

export class ApiError extends Error {
  constructor(status, problem) {
    const detail = problem && typeof problem === 'object' ? (problem.detail || problem.title || '') : String(problem || '');
    super(detail);
    this.status = status;
    this.detail = detail;
  }
}

/** Bytes the page received from the API (responses read here), for the benchmark and the curious. */
export const traffic = { bytes: 0 };

export async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (session.token) headers.Authorization = 'Bearer ' + session.token;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch('/api/v1' + path, { method, headers, cache: 'no-store', body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  traffic.bytes += text.length;
  const json = (response.headers.get('Content-Type') || '').includes('json');
  let payload = text;
  if (json) { try { payload = JSON.parse(text); } catch { payload = null; } }
  if (!response.ok) throw new ApiError(response.status, payload);
  return payload;
}

export const items = (payload) => (Array.isArray(payload) ? payload : (payload && payload.items) || []);

export function setToken(token) {
  session.token = token;
  if (token) localStorage.setItem(TOKEN_KEY, token); else localStorage.removeItem(TOKEN_KEY);
  session.role = null;
  session.name = null;
}

/** Who the token is: name and role, so the page shows only actions the role may take. */
export async function whoami() {
  const me = await api('GET', '/whoami');
  session.name = me.name;
  session.role = me.role;
  return me;
}

/** True when the session's role is at least the given one. */
export const can = (role) => ROLES.indexOf(session.role) >= ROLES.indexOf(role);

// role: the least role the action needs, for the 403 message.
export function explain(action, error, role = 'viewer') {
  if (!(error instanceof ApiError)) return `${action} failed: the server does not answer (${error.message}).`;
  const detail = error.detail ? `: ${error.detail}` : '';
  if (error.status === 401) return `${action} needs an API token${detail}. Paste one above; create it with "syncplane token create".`;
  if (error.status === 403) return `${action} is not allowed ${session.token ? 'for this token' : 'without a token'}${detail}. It needs ${{ viewer: 'a viewer, operator or admin', operator: 'an operator or admin', admin: 'an admin' }[role]} token.`;
  return `${action} was refused (${error.status})${detail}.`;
}
