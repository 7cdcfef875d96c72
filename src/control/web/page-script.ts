/**
 * The page's script (runs in the browser, so plain ES2017 in a string): it
 * renders each snapshot the server pushes on /events, counts uptimes on
 * locally, posts the buttons with the session's token, and follows a log
 * through /logtail. Every value from the server goes in with textContent.
 */
export const PAGE_SCRIPT = String.raw`
(function () {
  'use strict';
  var token = document.querySelector('meta[name="csrf"]').getAttribute('content');
  var list = document.getElementById('list');
  var rows = new Map();
  var offset = 0;
  var last = null;
  var TONES = { RUNNING: 'ok', STARTING: 'warn', BACKOFF: 'warn', STOPPING: 'warn', FATAL: 'bad', UNKNOWN: 'bad' };
  var LIVE = { STARTING: 1, RUNNING: 1, BACKOFF: 1 };

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function pad(n) { return n < 10 ? '0' + n : String(n); }
  function uptime(s) {
    s = Math.max(0, Math.floor(s));
    var d = Math.floor(s / 86400), r = s % 86400;
    var clock = Math.floor(r / 3600) + ':' + pad(Math.floor(r / 60) % 60) + ':' + pad(r % 60);
    return d ? d + (d === 1 ? ' day, ' : ' days, ') + clock : clock;
  }
  function bytes(b) {
    if (!b) return '\u2013';
    var units = ['B', 'KiB', 'MiB', 'GiB'], i = 0;
    while (b >= 1024 && i < units.length - 1) { b /= 1024; i++; }
    return (b >= 100 || i === 0 ? Math.round(b) : b.toFixed(1)) + ' ' + units[i];
  }
  function nowSec() { return Date.now() / 1000 + offset; }
  var toastTimer = null;
  function toast(text) {
    var t = document.getElementById('toast');
    t.textContent = text;
    t.className = 'show';
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { t.className = ''; }, 4000);
  }

  function act(verb, namespec, button) {
    var row = namespec ? rows.get(namespec) : null;
    if (button) button.disabled = true;
    if (row) row.root.classList.add('busy');
    var url = '/action/' + verb + (namespec ? '/' + encodeURIComponent(namespec) : '');
    fetch(url, { method: 'POST', headers: { 'X-Tdaemon-Token': token }, credentials: 'same-origin' })
      .then(function (r) { return r.json().catch(function () { return { error: r.status + ' ' + r.statusText }; }); })
      .then(function (j) { if (j.error) toast((namespec || 'all') + ': ' + j.error); })
      .catch(function () { toast('the supervisor did not answer'); })
      .then(function () {
        if (button) button.disabled = false;
        if (row) row.root.classList.remove('busy');
        if (row && last) update(row, row.view);
      });
  }

  function stat(label) {
    var s = el('div', 'stat');
    s.appendChild(el('span', '', label));
    var v = el('b', '', '');
    v.style.fontWeight = '500';
    s.appendChild(v);
    return { box: s, value: v };
  }

  function build(view) {
    var root = el('section', 'proc');
    root.setAttribute('data-namespec', view.namespec);
    var line = el('div', 'row');
    var who = el('div', 'who');
    var title = el('div', 'name');
    var badge = el('span', 'badge');
    var label = el('span');
    title.appendChild(badge);
    title.appendChild(label);
    who.appendChild(title);
    var desc = el('div', 'desc');
    who.appendChild(desc);
    line.appendChild(who);
    var pid = stat('pid'), up = stat('uptime'), restarts = stat('restarts'), mem = stat('memory');
    [pid, up, restarts, mem].forEach(function (s) { line.appendChild(s.box); });
    var acts = el('div', 'acts');
    var buttons = {};
    [['start', 'Start', 'primary'], ['stop', 'Stop', 'danger'], ['restart', 'Restart', ''], ['clear', 'Clear log', ''], ['tail', 'Tail', '']].forEach(function (b) {
      var btn = el('button', b[2], b[1]);
      btn.type = 'button';
      btn.setAttribute('data-verb', b[0]);
      btn.addEventListener('click', function () {
        if (b[0] === 'tail') toggleTail(row); else act(b[0], row.view.namespec, btn);
      });
      buttons[b[0]] = btn;
      acts.appendChild(btn);
    });
    line.appendChild(acts);
    root.appendChild(line);
    var tail = el('div', 'tail');
    var tabs = el('div', 'tabs');
    var out = el('button', 'on', 'stdout'), err = el('button', '', 'stderr');
    out.type = err.type = 'button';
    out.addEventListener('click', function () { openTail(row, 'stdout'); });
    err.addEventListener('click', function () { openTail(row, 'stderr'); });
    tabs.appendChild(out);
    tabs.appendChild(err);
    tail.appendChild(tabs);
    var pre = el('pre');
    tail.appendChild(pre);
    root.appendChild(tail);
    var row = { root: root, badge: badge, label: label, desc: desc, pid: pid.value, up: up.value, restarts: restarts.value,
      mem: mem.value, buttons: buttons, pre: pre, tabs: { stdout: out, stderr: err }, follow: null, view: view };
    return row;
  }

  function describe(v) {
    if (v.statename === 'RUNNING') return 'pid ' + v.pid + ', uptime ' + uptime(nowSec() - v.start);
    return v.description || '\u00a0';
  }

  function update(row, v) {
    row.view = v;
    row.root.setAttribute('data-state', v.statename);
    row.root.setAttribute('data-tone', TONES[v.statename] || 'idle');
    row.badge.textContent = v.statename;
    row.label.textContent = v.group === v.name ? v.name : v.group + ':' + v.name;
    row.desc.textContent = describe(v);
    row.pid.textContent = v.pid ? String(v.pid) : '\u2013';
    row.up.textContent = v.statename === 'RUNNING' ? uptime(nowSec() - v.start) : '\u2013';
    row.restarts.textContent = String(v.restarts);
    row.mem.textContent = bytes(v.rssBytes);
    var live = LIVE[v.statename] === 1, busy = row.root.classList.contains('busy');
    row.buttons.start.disabled = busy || live || v.statename === 'STOPPING';
    row.buttons.stop.disabled = busy || !live;
    row.buttons.restart.disabled = busy || v.statename === 'STOPPING';
    row.tabs.stderr.disabled = !v.hasStderr;
  }

  function render(s) {
    document.getElementById('ident').textContent = s.identification;
    document.title = s.identification + ' \u00b7 tdaemon';
    document.getElementById('meta').textContent = s.version + ' \u00b7 supervisor pid ' + s.pid;
    var seen = new Set(), counts = { ok: 0, idle: 0, bad: 0, warn: 0 };
    s.processes.forEach(function (v, i) {
      var row = rows.get(v.namespec);
      if (!row) { row = build(v); rows.set(v.namespec, row); }
      if (list.children[i] !== row.root) list.insertBefore(row.root, list.children[i] || null);
      update(row, v);
      seen.add(v.namespec);
      counts[TONES[v.statename] || 'idle']++;
    });
    rows.forEach(function (row, key) {
      if (!seen.has(key)) { stopTail(row); row.root.remove(); rows.delete(key); }
    });
    document.getElementById('n-ok').textContent = counts.ok;
    document.getElementById('n-warn').textContent = counts.warn;
    document.getElementById('n-idle').textContent = counts.idle;
    document.getElementById('n-bad').textContent = counts.bad;
    document.getElementById('empty').hidden = s.processes.length > 0;
    filter();
  }

  function stopTail(row) {
    if (row.follow) row.follow.abort();
    row.follow = null;
  }
  function toggleTail(row) {
    if (row.root.classList.toggle('tailing')) { openTail(row, 'stdout'); row.buttons.tail.classList.add('primary'); }
    else { stopTail(row); row.buttons.tail.classList.remove('primary'); }
  }
  function openTail(row, channel) {
    stopTail(row);
    row.tabs.stdout.className = channel === 'stdout' ? 'on' : '';
    row.tabs.stderr.className = channel === 'stderr' ? 'on' : '';
    row.pre.textContent = '';
    var ctrl = new AbortController();
    row.follow = ctrl;
    var url = '/logtail/' + encodeURIComponent(row.view.namespec) + (channel === 'stderr' ? '/stderr' : '');
    fetch(url, { signal: ctrl.signal, credentials: 'same-origin' }).then(function (res) {
      if (!res.ok) { row.pre.textContent = res.status === 404 ? '(nothing logged yet)' : '(the log is not available: ' + res.status + ')'; return; }
      var reader = res.body.getReader(), dec = new TextDecoder();
      function pump() {
        return reader.read().then(function (r) {
          if (r.done) return;
          var pre = row.pre, stick = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
          var text = pre.textContent + dec.decode(r.value, { stream: true });
          pre.textContent = text.length > 65536 ? text.slice(text.length - 65536) : text;
          if (stick) pre.scrollTop = pre.scrollHeight;
          return pump();
        });
      }
      return pump();
    }).catch(function () {});
  }

  function filter() {
    var q = document.getElementById('filter').value.trim().toLowerCase();
    rows.forEach(function (row) { row.root.hidden = q !== '' && row.view.namespec.toLowerCase().indexOf(q) < 0; });
  }
  document.getElementById('filter').addEventListener('input', filter);
  ['startall', 'restartall', 'stopall'].forEach(function (verb) {
    var b = document.querySelector('[data-all="' + verb + '"]');
    b.addEventListener('click', function () { act(verb, null, b); });
  });

  // Uptimes count on in the page itself; the server pushes only changes.
  setInterval(function () {
    rows.forEach(function (row) {
      if (row.view.statename === 'RUNNING') { row.up.textContent = uptime(nowSec() - row.view.start); row.desc.textContent = describe(row.view); }
    });
  }, 1000);

  var liveBox = document.getElementById('live');
  var events = new EventSource('/events');
  events.onmessage = function (e) {
    last = JSON.parse(e.data);
    offset = last.now - Date.now() / 1000;
    render(last);
    liveBox.className = 'live on';
    liveBox.lastChild.textContent = 'live';
  };
  events.onerror = function () {
    liveBox.className = 'live';
    liveBox.lastChild.textContent = 'reconnecting\u2026';
  };
})();
`;
