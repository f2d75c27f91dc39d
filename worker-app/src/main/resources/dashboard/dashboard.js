// The fleet dashboard: polls GET api/fleet every second and updates the tables in place (rows keyed by worker id
// and by function + server, so a row and its buttons stay the same element while the fleet changes). Actions are
// POSTs of JSON to api/actions, with the control secret in X-Control-Secret when the dashboard requires one.
// Everything from the server is set as text, never as HTML.
'use strict';
(() => {
  const REFRESH_MS = 1000;
  const SVG = 'http://www.w3.org/2000/svg';
  const $ = (selector) => document.querySelector(selector);
  let timer = null;
  let actionsOn = false;
  let secretRequired = false;

  function schedule(ms) {
    clearTimeout(timer);
    timer = setTimeout(refresh, ms);
  }

  async function refresh() {
    try {
      const response = await fetch('api/fleet', { cache: 'no-store' });
      if (!response.ok) {
        throw new Error('HTTP ' + response.status);
      }
      render(await response.json());
    } catch (e) {
      $('#updated').textContent = 'no answer from the dashboard: ' + e.message;
    } finally {
      schedule(REFRESH_MS);
    }
  }

  function render(fleet) {
    $('#updated').textContent = 'updated ' + new Date(fleet.time).toLocaleTimeString();
    renderServers(fleet.servers);
    renderActions(fleet.actions);
    renderFunctions(fleet.functions);
    renderWorkers(fleet.workers);
    renderEvents(fleet.events);
  }

  function renderServers(servers) {
    const box = $('#servers');
    box.replaceChildren(...servers.map((s) => {
      const span = document.createElement('span');
      span.textContent = s.server + (s.reachable ? '' : ' (unreachable: ' + s.error + ')') + ' ';
      span.className = s.reachable ? 'muted' : 'server-down';
      return span;
    }));
  }

  function renderActions(actions) {
    actionsOn = actions.enabled;
    secretRequired = actions.secret_required;
    $('#actions-panel').hidden = !actionsOn;
    $('#secret-label').hidden = !secretRequired;
    document.querySelectorAll('#workers .actions').forEach((cell) => { cell.hidden = !actionsOn; });
    const log = actions.log || [];
    $('#action-log-panel').hidden = log.length === 0;
    $('#action-log').replaceChildren(...log.map((entry) => {
      const li = document.createElement('li');
      li.textContent = new Date(entry.ts).toLocaleTimeString() + '  ' + entry.text;
      return li;
    }));
  }

  // Updates the body's rows in place: one per item, keyed, created by make(key) when new, filled by fill(row, item).
  function syncRows(tbody, items, keyOf, make, fill) {
    const existing = new Map([...tbody.rows].map((row) => [row.dataset.key, row]));
    items.forEach((item, index) => {
      const key = keyOf(item);
      let row = existing.get(key);
      if (row) {
        existing.delete(key);
      } else {
        row = make(item);
        row.dataset.key = key;
      }
      if (tbody.rows[index] !== row) {
        tbody.insertBefore(row, tbody.rows[index] || null);
      }
      fill(row, item);
    });
    existing.forEach((row) => row.remove());
  }

  function rowWithCells(classes) {
    const row = document.createElement('tr');
    classes.forEach((c) => {
      const td = document.createElement('td');
      td.className = c;
      row.appendChild(td);
    });
    return row;
  }

  function setText(row, cls, text) {
    const cell = row.querySelector('td.' + cls.split(' ')[0]);
    const value = text === null || text === undefined ? '–' : String(text);
    if (cell.textContent !== value) {
      cell.textContent = value;
    }
    return cell;
  }

  function renderFunctions(functions) {
    const classes = ['function', 'server', 'queued num', 'running num', 'workers num', 'connections num'];
    syncRows($('#functions tbody'), functions, (f) => f.function + '\u0000' + f.server, (f) => {
      const row = rowWithCells(classes);
      row.dataset.function = f.function;
      row.dataset.server = f.server;
      return row;
    }, (row, f) => {
      setText(row, 'function', f.function);
      setText(row, 'server', f.server);
      setText(row, 'queued', f.queued);
      setText(row, 'running', f.running);
      setText(row, 'workers', f.workers);
      setText(row, 'connections', f.connections);
      row.classList.toggle('no-worker', f.no_worker);
      row.title = f.no_worker ? 'jobs wait and no worker serves this function' : '';
    });
  }

  function renderWorkers(workers) {
    const classes = ['id', 'host', 'state', 'uptime num', 'jobs-done num', 'in-flight num', 'limits', 'servers',
      'functions', 'actions'];
    syncRows($('#workers tbody'), workers, (w) => w.id, (w) => {
      const row = rowWithCells(classes);
      row.dataset.worker = w.id;
      const cell = row.querySelector('td.actions');
      ['quiet', 'resume', 'terminate'].forEach((action) => {
        const button = document.createElement('button');
        button.type = 'button';
        button.textContent = action;
        button.dataset.action = action;
        button.addEventListener('click', () => act(action, row.dataset.worker));
        cell.appendChild(button);
      });
      return row;
    }, (row, w) => {
      setText(row, 'id', w.id);
      setText(row, 'host', (w.host || '–') + ' / ' + (w.pid ?? '–'));
      const state = setText(row, 'state', w.state);
      state.className = 'state state-' + w.state;
      state.title = w.status_error || '';
      setText(row, 'uptime', w.uptime_s === undefined ? null : duration(w.uptime_s));
      setText(row, 'jobs-done', w.jobs_done);
      setText(row, 'in-flight', w.in_flight === undefined ? null : w.in_flight + ' / ' + w.slots);
      setText(row, 'limits', limitsLeft(w.limits));
      setText(row, 'servers', (w.servers || []).join(', '));
      setText(row, 'functions', (w.functions || []).join(', '));
      const actionsCell = row.querySelector('td.actions');
      actionsCell.hidden = !actionsOn;
      actionsCell.querySelectorAll('button').forEach((b) => { b.disabled = !w.control; });
    });
  }

  function limitsLeft(limits) {
    if (!limits) {
      return null;
    }
    const parts = [];
    if (limits.jobs_left !== undefined) {
      parts.push(limits.jobs_left + ' jobs');
    }
    if (limits.lifetime_left_s !== undefined) {
      parts.push(duration(limits.lifetime_left_s));
    }
    if (limits.max_memory_bytes !== undefined) {
      parts.push('mem ≤ ' + Math.round(limits.max_memory_bytes / 1048576) + ' MiB');
    }
    return parts.length ? parts.join(', ') : 'none';
  }

  function duration(seconds) {
    const h = Math.floor(seconds / 3600);
    const m = Math.floor((seconds % 3600) / 60);
    const s = seconds % 60;
    return (h ? h + 'h ' : '') + (h || m ? m + 'm ' : '') + s + 's';
  }

  function renderEvents(events) {
    $('#events').hidden = !events;
    if (!events) {
      return;
    }
    const counts = [['started', events.started], ['ended', events.ended], ['failed', events.failed],
      ['in flight', events.in_flight], ['handed back', events.handed_back], ['run twice', events.run_twice],
      ['lost', events.lost], ['jobLoad', events.job_load], ['worker exits', events.worker_exits],
      ['workers running', events.workers_running]];
    $('#event-counts').replaceChildren(...counts.map(([name, value]) => {
      const card = document.createElement('div');
      card.className = 'card' + ((name === 'lost' || name === 'run twice' || name === 'failed') && value > 0
        ? ' bad' : '');
      card.dataset.count = name;
      const b = document.createElement('b');
      b.textContent = value;
      card.append(b, name);
      return card;
    }));
    chart(events.throughput);
    $('#exit-reasons tbody').replaceChildren(...Object.entries(events.exits_by_reason).map(([reason, n]) =>
      tableRow([reason, n])));
    $('#recent-exits tbody').replaceChildren(...events.recent_exits.map((e) =>
      tableRow([new Date(e.ts).toLocaleTimeString(), e.worker, e.reason])));
  }

  function tableRow(values) {
    const row = document.createElement('tr');
    values.forEach((v) => {
      const td = document.createElement('td');
      td.textContent = v;
      row.appendChild(td);
    });
    return row;
  }

  function chart(throughput) {
    const svg = $('#throughput');
    const rates = throughput.jobs_per_s;
    const max = Math.max(1, ...rates);
    const width = 600 / rates.length;
    const bars = rates.map((rate, i) => {
      const rect = document.createElementNS(SVG, 'rect');
      const h = Math.round((rate / max) * 100);
      rect.setAttribute('x', (i * width + 1).toFixed(1));
      rect.setAttribute('y', String(110 - h));
      rect.setAttribute('width', Math.max(1, width - 2).toFixed(1));
      rect.setAttribute('height', String(h));
      const title = document.createElementNS(SVG, 'title');
      title.textContent = rate + ' jobs/s';
      rect.appendChild(title);
      return rect;
    });
    const label = document.createElementNS(SVG, 'text');
    label.setAttribute('x', '4');
    label.setAttribute('y', '10');
    label.textContent = 'max ' + max + ' jobs/s (bars of ' + throughput.bucket_s + ' s, newest right)';
    svg.replaceChildren(...bars, label);
  }

  async function act(action, worker) {
    const body = { action };
    if (worker) {
      body.worker = worker;
    }
    if (action === 'rolling-restart') {
      body.batch = Number($('#batch').value) || 1;
    }
    const headers = { 'Content-Type': 'application/json' };
    const secret = $('#secret').value;
    if (secretRequired && secret) {
      headers['X-Control-Secret'] = secret;
    }
    const result = $('#action-result');
    result.className = 'muted';
    result.textContent = action + (worker ? ' ' + worker : ' (all)') + '…';
    try {
      const response = await fetch('api/actions', { method: 'POST', headers, body: JSON.stringify(body) });
      const text = await response.text();
      let message = text;
      try {
        message = JSON.parse(text).message;
      } catch (e) {
        // a plain-text refusal (405, 403, 415)
      }
      result.className = response.ok ? 'muted' : 'error';
      result.textContent = message;
    } catch (e) {
      result.className = 'error';
      result.textContent = action + ' failed: ' + e.message;
    }
    schedule(0);
  }

  // what a fleet-wide action does, asked before it is sent: one click must not stop every worker
  const ASK_BEFORE_ALL = {
    quiet: 'Quiet every worker? They stop taking jobs until resumed.',
    terminate: 'Terminate every worker? Each finishes its jobs in flight and exits.',
    'rolling-restart': 'Restart every worker, batch by batch?',
  };

  document.querySelectorAll('.all-actions button').forEach((button) => {
    button.addEventListener('click', () => {
      const action = button.dataset.action;
      if (ASK_BEFORE_ALL[action] && !window.confirm(ASK_BEFORE_ALL[action])) {
        const result = $('#action-result');
        result.className = 'muted';
        result.textContent = action + ' (all) cancelled';
        return;
      }
      act(action, null);
    });
  });
  refresh();
})();
