'use strict';

// The admin page of the NatsKvConfig config service. Every value goes into the page as text (textContent),
// never as HTML. The token, once asked for, lives in this variable only: not in storage, not in the URL.
let token = null;
const entries = new Map();          // key -> entry as GET /config returns it
let selected = null;                // the entry in the editor
let dirty = false;                  // the editor holds changes not saved yet
let lastEventId = null;             // revision of the last change event: a reconnect asks for what came after it

const $ = id => document.getElementById(id);
const keyUrl = key => `/config/${encodeURIComponent(key)}`;

function show(text, kind = 'info') {
  const message = $('message');
  message.textContent = text;
  message.className = `message ${kind}`;
  message.hidden = false;
}

function askToken() {
  return new Promise(resolve => {
    const dialog = $('token-dialog');
    $('token-input').value = '';
    dialog.onclose = () => {
      if (dialog.returnValue === 'ok' && $('token-input').value) {
        token = $('token-input').value;
        resolve(true);
      } else {
        resolve(false);
      }
    };
    dialog.showModal();
  });
}

// fetch with the token; asks for it once on 401 and tries again.
async function api(method, url, { body, headers = {} } = {}) {
  for (let attempt = 0; ; attempt++) {
    const all = { ...headers };
    if (token) all.Authorization = `Bearer ${token}`;
    if (body !== undefined) all['Content-Type'] = 'application/json';
    const response = await fetch(url, { method, headers: all, body: body === undefined ? undefined : JSON.stringify(body) });
    if (response.status === 401 && attempt === 0 && await askToken()) continue;
    return response;
  }
}

async function errorOf(response) {
  try { return (await response.json()).error || response.statusText; } catch { return response.statusText; }
}

// ---- the list ----

function render() {
  const filter = $('search').value.trim().toLowerCase();
  const rows = [...entries.values()]
    .filter(e => !filter || e.key.toLowerCase().includes(filter) || (e.path || '').toLowerCase().includes(filter))
    .sort((a, b) => a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  const body = $('keys');
  body.replaceChildren(...rows.map(row));
  $('count').textContent = `${rows.length} of ${entries.size} keys`;
}

function row(entry) {
  const tr = document.createElement('tr');
  tr.dataset.key = entry.key;
  if (selected && selected.key === entry.key) tr.classList.add('selected');
  const key = document.createElement('td');
  key.textContent = entry.path || entry.key;
  key.title = entry.key;
  const value = document.createElement('td');
  value.textContent = entry.value;
  value.title = entry.value;
  const revision = document.createElement('td');
  revision.className = 'num';
  revision.textContent = entry.revision;
  tr.append(key, value, revision);
  tr.addEventListener('click', () => select(entry.key));
  return tr;
}

async function load() {
  const response = await api('GET', '/config');
  if (!response.ok) { show(`Could not list the keys: ${await errorOf(response)}`, 'error'); return; }
  entries.clear();
  for (const entry of await response.json()) entries.set(entry.key, entry);
  render();
}

// ---- the editor ----

async function select(key) {
  const response = await api('GET', keyUrl(key));
  if (!response.ok) { show(`${key}: ${await errorOf(response)}`, 'error'); return; }
  edit(await response.json());
  $('message').hidden = true;
}

function edit(entry) {
  selected = entry;
  dirty = false;
  $('placeholder').hidden = true;
  $('editor').hidden = false;
  $('conflict').hidden = true;
  $('history').hidden = true;
  $('editor-key').textContent = entry.key;
  $('editor-path').textContent = entry.path && entry.path !== entry.key ? entry.path : '';
  $('editor-revision').textContent = entry.revision;
  $('editor-created').textContent = new Date(entry.created).toLocaleString();
  $('editor-value').value = entry.value;
  for (const tr of $('keys').children) tr.classList.toggle('selected', tr.dataset.key === entry.key);
}

async function save(expected) {
  const value = $('editor-value').value;
  const response = await api('PUT', keyUrl(selected.key), { body: { value }, headers: { 'If-Match': `"${expected}"` } });
  if (response.status === 412) { await conflict(value); return; }
  if (!response.ok) { show(`Not saved: ${await errorOf(response)}`, 'error'); return; }
  const { revision } = await response.json();
  edit({ ...selected, value, revision, created: new Date().toISOString() });
  show(`Saved ${selected.key} at revision ${revision}.`, 'ok');
}

// Someone else wrote the key since it was loaded: say so, show their value, let the user choose.
async function conflict(mine) {
  const response = await api('GET', keyUrl(selected.key));
  if (response.status === 404) {
    show(`Conflict: ${selected.key} was deleted by someone else while you were editing it.`, 'error');
    return;
  }
  const theirs = await response.json();
  show(`Conflict: someone else changed ${selected.key} (now at revision ${theirs.revision}); your change was not saved.`, 'error');
  $('conflict-text').textContent = `Their value, at revision ${theirs.revision}:`;
  $('conflict-value').textContent = theirs.value;
  $('conflict').hidden = false;
  $('use-theirs').onclick = () => { edit(theirs); show(`Loaded their value of ${theirs.key}.`); };
  $('overwrite').onclick = () => { $('editor-value').value = mine; $('conflict').hidden = true; save(theirs.revision); };
}

async function remove() {
  if (!confirm(`Delete ${selected.key}? Its history stays, for rollback.`)) return;
  const response = await api('DELETE', keyUrl(selected.key), { headers: { 'If-Match': `"${selected.revision}"` } });
  if (response.status === 412) { await conflict($('editor-value').value); return; }
  if (!response.ok) { show(`Not deleted: ${await errorOf(response)}`, 'error'); return; }
  show(`Deleted ${selected.key}.`, 'ok');
  entries.delete(selected.key);
  selected = null;
  $('editor').hidden = true;
  $('placeholder').hidden = false;
  render();
}

async function create(event) {
  event.preventDefault();
  const key = $('new-key').value.trim();
  const value = $('new-value').value;
  const response = await api('PUT', keyUrl(key), { body: { value }, headers: { 'If-None-Match': '*' } });
  if (response.status === 412) { show(`${key} already exists: select it to change it.`, 'error'); return; }
  if (!response.ok) { show(`Not added: ${await errorOf(response)}`, 'error'); return; }
  $('new-key').value = '';
  $('new-value').value = '';
  await select((await response.json()).key);
  show(`Added ${key}.`, 'ok');
}

// ---- history, diff, rollback ----

async function history() {
  const response = await api('GET', `${keyUrl(selected.key)}/history`);
  if (!response.ok) { show(`No history: ${await errorOf(response)}`, 'error'); return; }
  const revisions = await response.json();
  const list = $('history-list');
  list.replaceChildren();
  revisions.forEach((entry, i) => {
    const li = document.createElement('li');
    li.dataset.revision = entry.revision;
    const head = document.createElement('div');
    head.textContent = `revision ${entry.revision} · ${entry.operation} · ${new Date(entry.created).toLocaleString()} `;
    if (entry.revision !== selected.revision && entry.operation === 'put') {
      const button = document.createElement('button');
      button.className = 'secondary rollback';
      button.textContent = 'Roll back to this';
      button.onclick = () => rollback(entry.revision);
      head.append(button);
    }
    const pre = document.createElement('pre');
    pre.className = 'diff';
    pre.append(...diff(i === 0 ? null : revisions[i - 1].value, entry.value));
    li.append(head, pre);
    list.prepend(li);
  });
  $('history').hidden = false;
}

// Above this many lines a value is not diffed: the table below takes (a+1)×(b+1) cells.
const MaxDiffLines = 2000;

// A line diff (longest common subsequence) of two values, as spans.
function diff(before, after) {
  const a = before === null || before === undefined ? [] : before.split('\n');
  const b = after === null || after === undefined ? [] : after.split('\n');
  if (a.length > MaxDiffLines || b.length > MaxDiffLines) {
    const span = document.createElement('span');
    span.className = 'same';
    span.textContent = `  (no line diff: ${a.length} and ${b.length} lines, more than ${MaxDiffLines})`;
    return [span];
  }
  const lcs = Array.from({ length: a.length + 1 }, () => new Array(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const out = [];
  const line = (kind, text) => { const span = document.createElement('span'); span.className = kind; span.textContent = `${kind === 'add' ? '+' : kind === 'del' ? '-' : ' '} ${text}`; out.push(span); };
  let i = 0, j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) { line('same', a[i]); i++; j++; }
    else if (lcs[i + 1][j] >= lcs[i][j + 1]) line('del', a[i++]);
    else line('add', b[j++]);
  }
  while (i < a.length) line('del', a[i++]);
  while (j < b.length) line('add', b[j++]);
  if (out.length === 0) line('same', '(deleted)');
  return out;
}

async function rollback(revision) {
  const response = await api('POST', `${keyUrl(selected.key)}/rollback?revision=${revision}`);
  if (!response.ok) { show(`Not rolled back: ${await errorOf(response)}`, 'error'); return; }
  const result = await response.json();
  await select(selected.key);
  show(result.changed ? `Rolled ${result.key} back to its value at revision ${revision}.` : `${result.key} already had that value.`, 'ok');
}

// ---- live updates: Server-Sent Events read with fetch, so that a read token can go in a header ----

async function listen() {
  for (;;) {
    try {
      const headers = token ? { Authorization: `Bearer ${token}` } : {};
      if (lastEventId) headers['Last-Event-ID'] = lastEventId;
      const response = await fetch('/events', { headers });
      if (response.status === 401) { await askToken(); continue; }
      setLive(true);
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const lines = block.split('\n');
          if (lines.includes('event: resync')) { await load(); continue; }
          const id = lines.find(l => l.startsWith('id:'));
          if (id) lastEventId = id.slice(3).trim();
          const data = lines.filter(l => l.startsWith('data:')).map(l => l.slice(5).trim()).join('\n');
          if (data) changed(JSON.parse(data));
        }
      }
    } catch { /* reconnect below */ }
    setLive(false);
    await new Promise(resolve => setTimeout(resolve, 2000));
    if (!lastEventId) await load(); // otherwise the service replays what came after it, or says resync
  }
}

function setLive(on) {
  const live = $('live');
  live.textContent = on ? 'live' : 'reconnecting…';
  live.className = `badge ${on ? 'ok' : 'off'}`;
}

function changed(change) {
  if (change.operation === 'put') entries.set(change.key, change); else entries.delete(change.key);
  render();
  const tr = [...$('keys').children].find(r => r.dataset.key === change.key);
  if (tr) tr.classList.add('flash');
  if (!selected || selected.key !== change.key || change.revision <= selected.revision) return;
  if (!dirty && change.operation === 'put') {
    edit(change);
    show(`${change.key} changed on the server: now at revision ${change.revision}.`);
  } else {
    show(`${change.key} was ${change.operation === 'put' ? 'changed' : 'deleted'} on the server (revision ${change.revision}) while you were editing it: saving will report a conflict.`, 'error');
  }
}

async function health() {
  try {
    const response = await fetch('/healthz');
    const report = await response.json();
    const badge = $('health');
    badge.textContent = report.status.toLowerCase();
    badge.className = `badge ${report.status === 'Healthy' ? 'ok' : report.status === 'Degraded' ? 'warn' : 'bad'}`;
    badge.title = Object.values(report.checks).map(c => c.description).join('\n');
  } catch { /* the next poll will tell */ }
}

// ---- start ----

$('search').addEventListener('input', render);
$('editor-value').addEventListener('input', () => { dirty = true; });
$('save').addEventListener('click', () => save(selected.revision));
$('delete').addEventListener('click', remove);
$('show-history').addEventListener('click', history);
$('create-form').addEventListener('submit', create);

(async () => {
  const settings = await (await fetch('/settings')).json();
  $('bucket').textContent = settings.bucket;
  if (settings.readsNeedToken) await askToken();
  await load();
  health();
  setInterval(health, 10000);
  listen();
})();
