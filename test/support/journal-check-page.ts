/** The origin the check page is served from: the Hive UI's dev server (dev allows it by default). */
export const PAGE_ORIGIN = 'http://localhost:5173';

/** What the page's script is given (tokens are minted by the test, the page only sends them). */
export interface JournalCheckConfig {
  readonly apiUrl: string;
  readonly swarmId: string;
  readonly runId: string;
  readonly goodToken: string;
  readonly readOnlyToken: string;
  /** Label -> Authorization header value (or null: no header) that must be refused. */
  readonly refused: Readonly<Record<string, string | null>>;
}

/** One request as the page saw it: the status, or `network-error` when the browser hid it. */
export interface PageCall {
  readonly label: string;
  readonly status: number | 'network-error';
  readonly body: unknown;
}

/**
 * A page standing in for the Hive UI: plain browser fetch() calls across origins, as the UI makes
 * them, each result written to a table (for the screenshot) and returned to the test.
 */
export const JOURNAL_CHECK_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>hive-journal browser check</title>
<style>body{font:14px system-ui;margin:24px}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}
.ok{background:#e6ffe6}.refused{background:#fff3e0}.error{background:#ffe6e6}</style></head>
<body><h1>hive-journal, called from ${PAGE_ORIGIN}</h1>
<table><thead><tr><th>call</th><th>status</th><th>what came back</th></tr></thead><tbody id="calls"></tbody></table>
<script>
async function call(label, url, init) {
  let status, body;
  try {
    const response = await fetch(url, init);
    status = response.status;
    const text = await response.text();
    try { body = JSON.parse(text); } catch { body = text; }
  } catch (error) {
    status = 'network-error';
    body = String(error);
  }
  const row = document.createElement('tr');
  row.className = status === 'network-error' ? 'error' : status < 300 ? 'ok' : 'refused';
  const summary = Array.isArray(body) ? body.length + ' runs'
    : body && body.items ? body.items.length + ' events, hasMore ' + body.hasMore
    : JSON.stringify(body).slice(0, 120);
  for (const cell of [label, String(status), summary]) {
    const td = document.createElement('td'); td.textContent = cell; row.appendChild(td);
  }
  document.getElementById('calls').appendChild(row);
  return { label, status, body };
}
const bearer = (token) => ({ Authorization: 'Bearer ' + token });
window.journalCheck = async (config) => {
  const api = (path) => config.apiUrl + path;
  const swarm = encodeURIComponent(config.swarmId);
  const calls = [];
  calls.push(await call('hive page', api('api/journal/hive/page?limit=5'), { headers: bearer(config.goodToken) }));
  const first = await call('swarm page 1', api('api/swarms/' + swarm + '/journal/page?limit=2'), { headers: bearer(config.goodToken) });
  calls.push(first);
  const cursor = first.body && first.body.nextCursor;
  calls.push(await call('swarm page 2 (cursor)', api('api/swarms/' + swarm + '/journal/page?limit=2' +
    (cursor ? '&beforeTs=' + encodeURIComponent(cursor.ts) + '&beforeId=' + cursor.id : '')),
    { headers: bearer(config.goodToken) }));
  calls.push(await call('runs index', api('api/journal/swarm/runs'), { headers: bearer(config.goodToken) }));
  calls.push(await call('pin run', api('api/swarms/' + swarm + '/journal/pin'), {
    method: 'POST',
    headers: { ...bearer(config.goodToken), 'Content-Type': 'application/json' },
    body: JSON.stringify({ runId: config.runId, mode: 'FULL', name: 'browser check' }),
  }));
  for (const [label, header] of Object.entries(config.refused)) {
    calls.push(await call(label, api('api/journal/hive/page?limit=1'), header === null ? {} : { headers: { Authorization: header } }));
  }
  calls.push(await call('read-only token pins', api('api/swarms/' + swarm + '/journal/pin'), {
    method: 'POST',
    headers: { ...bearer(config.readOnlyToken), 'Content-Type': 'application/json' },
    body: JSON.stringify({ runId: config.runId, mode: 'FULL' }),
  }));
  return calls;
};
</script></body></html>`;
