/*
 * leadbot web chat widget: plain JavaScript, no framework, no build step.
 * Embed with <script src="https://YOUR-LEADBOT/widget.js" defer></script>; it renders into
 * an element with id "leadbot-chat" if the page has one, else as a floating panel.
 * Identity: a random visitor id in localStorage. Every message gets a random id that is
 * reused when the request is retried, so the server never handles it twice.
 * Everything from the server is inserted with textContent: it is text, never HTML.
 * While the page is visible it asks /api/chat/messages for what a sales rep wrote (a handoff),
 * as often as the server says (often while a rep is talking, rarely otherwise).
 */
(() => {
  const script = document.currentScript;
  const base = new URL(script?.src ?? '/widget.js', location.href);
  const api = new URL('/api/chat/events', base).href;
  const inbox = new URL('/api/chat/messages', base);
  const KEY = 'leadbot.';

  const store = {
    get(name) {
      try {
        return JSON.parse(localStorage.getItem(KEY + name) ?? 'null');
      } catch {
        return null;
      }
    },
    set(name, value) {
      try {
        localStorage.setItem(KEY + name, JSON.stringify(value));
      } catch {
        // Private mode or quota: the chat still works for this page view.
      }
    },
  };

  function randomId() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  const visitorId = store.get('visitor') ?? randomId();
  store.set('visitor', visitorId);

  // First touch wins: the UTM parameters and referrer of the visit that started the chat.
  let source = store.get('source');
  if (!source) {
    const q = new URLSearchParams(location.search);
    source = {};
    for (const k of ['utm_source', 'utm_medium', 'utm_campaign']) if (q.get(k)) source[k] = q.get(k);
    if (document.referrer && new URL(document.referrer).origin !== location.origin) {
      source.referrer = document.referrer;
    }
    store.set('source', source);
  }

  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = new URL('/widget.css', base).href;
  document.head.appendChild(link);

  const host = document.getElementById('leadbot-chat');
  const root = document.createElement('section');
  root.className = host ? 'leadbot leadbot-inline' : 'leadbot leadbot-floating';
  root.setAttribute('aria-label', 'Chat');
  const log = document.createElement('div');
  log.className = 'leadbot-log';
  log.setAttribute('role', 'log');
  log.setAttribute('aria-live', 'polite');
  const form = document.createElement('form');
  form.className = 'leadbot-form';
  const input = document.createElement('input');
  input.className = 'leadbot-input';
  input.setAttribute('aria-label', 'Your answer');
  input.maxLength = 2000;
  input.autocomplete = 'off';
  const send = document.createElement('button');
  send.type = 'submit';
  send.className = 'leadbot-send';
  send.textContent = 'Send';
  const restart = document.createElement('button');
  restart.type = 'button';
  restart.className = 'leadbot-restart';
  restart.textContent = 'Start over';
  form.append(input, send, restart);
  root.append(log, form);
  (host ?? document.body).appendChild(root);

  const history = store.get('log') ?? [];
  // The step of the question on screen: typed answers name it, so an answer to a question the
  // server no longer asks is refused as stale instead of landing on another step.
  let asked = store.get('asked');

  function bubble(from, text, kind) {
    const div = document.createElement('div');
    div.className = `leadbot-msg ${from}${kind === 'error' ? ' error' : ''}`;
    div.textContent = text;
    log.appendChild(div);
    log.scrollTop = log.scrollHeight;
    return div;
  }

  function showChoices(msg) {
    const box = document.createElement('div');
    box.className = 'leadbot-choices';
    const picked = new Set();
    const finish = (values) => {
      for (const b of box.querySelectorAll('button')) b.disabled = true;
      const labels = msg.choices.filter((c) => values.includes(c.value)).map((c) => c.label);
      post({ kind: 'choice', stepId: msg.stepId, values }, labels.join(', ')).then((taken) => {
        if (taken === false) for (const b of box.querySelectorAll('button')) b.disabled = false;
      });
    };
    for (const choice of msg.choices) {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'leadbot-choice';
      b.textContent = choice.label;
      b.dataset.value = choice.value;
      b.addEventListener('click', () => {
        if (!msg.multiple) return finish([choice.value]);
        if (picked.has(choice.value)) picked.delete(choice.value);
        else picked.add(choice.value);
        b.setAttribute('aria-pressed', String(picked.has(choice.value)));
      });
      box.appendChild(b);
    }
    if (msg.multiple) {
      const done = document.createElement('button');
      done.type = 'button';
      done.className = 'leadbot-choice leadbot-done';
      done.textContent = 'Done';
      done.addEventListener('click', () => picked.size && finish([...picked]));
      box.appendChild(done);
    }
    log.appendChild(box);
    log.scrollTop = log.scrollHeight;
  }

  function show(messages) {
    if (messages.length > 0 && messages.every((m) => m.kind !== 'error')) {
      asked = messages.filter((m) => m.kind === 'question').at(-1)?.stepId ?? null;
      store.set('asked', asked);
    }
    for (const m of messages) {
      bubble('bot', m.text, m.kind);
      history.push({ from: 'bot', ...m });
      if (m.choices?.length) showChoices(m);
    }
    store.set('log', history.slice(-200));
  }

  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

  // Sends one event, retrying with the same event id on network errors and 5xx answers.
  // Resolves false when the server refused it for now (rate limit): the person sends it again.
  async function post(body, echo) {
    const mine = echo ? bubble('me', echo) : null;
    if (echo) history.push({ from: 'me', text: echo });
    const request = { ...body, visitorId, eventId: randomId(), source };
    root.classList.add('leadbot-busy');
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          const res = await fetch(api, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(request),
          });
          const data = await res.json().catch(() => ({}));
          if (res.ok) {
            soon();
            return show(data.messages ?? []);
          }
          if (res.status === 429) {
            // Over the rate limit: say how long to wait (not kept in the history); the answer
            // was not taken, so it leaves the log and a typed one goes back into the box.
            const wait = Number(res.headers.get('retry-after')) || 10;
            if (mine) {
              mine.remove();
              history.pop();
            }
            bubble(
              'bot',
              data.error ?? `Too many messages at once. Please wait ${wait} seconds and try again.`,
              'error',
            );
            if (body.kind === 'message' && !input.value) input.value = body.text;
            return false;
          }
          if (res.status < 500 || attempt >= 4) {
            return show([
              { kind: 'error', text: data.error ?? 'Sorry, that did not work. Please try again.' },
            ]);
          }
        } catch {
          if (attempt >= 4)
            return show([{ kind: 'error', text: 'You seem to be offline. Please try again.' }]);
        }
        await sleep(500 * attempt);
      }
    } finally {
      root.classList.remove('leadbot-busy');
    }
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    post({ kind: 'message', text, ...(asked ? { stepId: asked } : {}) }, text);
  });
  restart.addEventListener('click', () => {
    history.length = 0;
    log.replaceChildren();
    post({ kind: 'command', name: 'restart' });
  });

  // A rep's messages and the bot's notices (joined, closed) from the handoff's transcript.
  let after = store.get('after');
  let timer = null;
  let dueAt = 0;
  // The server's pace while a visitor has a lead and no rep is talking (POLL_MS.idle): a visitor
  // who just talked may be an SQL a rep answers within the minute, so a poll paced for a
  // visitor without a lead (a minute) is brought forward to it. Never sooner: no extra requests.
  const IDLE_MS = 20_000;
  function soon() {
    if (timer !== null && dueAt - Date.now() > IDLE_MS) {
      clearTimeout(timer);
      timer = null;
      schedule(IDLE_MS);
    }
  }
  async function poll() {
    timer = null;
    let wait = 20_000;
    try {
      const url = new URL(inbox);
      if (after) url.searchParams.set('after', after);
      const res = await fetch(url, { headers: { 'x-visitor-id': visitorId } });
      const data = await res.json().catch(() => ({}));
      if (res.ok) {
        for (const m of data.messages ?? []) {
          if (m.from === 'me') continue; // the visitor's own words are already on screen
          const text = m.from === 'rep' ? `${m.name ?? 'Sales'}: ${m.text}` : m.text;
          bubble(m.from === 'rep' ? 'rep' : 'bot', text, m.from);
          history.push({ from: m.from === 'rep' ? 'rep' : 'bot', text, kind: m.from });
        }
        if (data.messages?.length) store.set('log', history.slice(-200));
        if (data.after) {
          after = data.after;
          store.set('after', after);
        }
        wait = data.messages?.length >= 50 ? 0 : Number(data.pollMs) || wait;
      } else if (res.status === 429) {
        wait = (Number(res.headers.get('retry-after')) || 30) * 1000;
      }
    } catch {
      // Offline: try again later.
    }
    schedule(wait);
  }
  function schedule(ms) {
    if (timer === null && document.visibilityState === 'visible') {
      dueAt = Date.now() + ms;
      timer = setTimeout(poll, ms);
    }
  }
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') schedule(0);
    else if (timer !== null) {
      clearTimeout(timer);
      timer = null;
    }
  });
  schedule(0);

  for (const m of history) bubble(m.from, m.text, m.kind);
  // After a reload, the buttons of a still unanswered question come back.
  const last = history.at(-1);
  if (last?.from === 'bot' && last.choices?.length) showChoices(last);
  if (history.length === 0) post({ kind: 'command', name: 'start' });
})();
