// The shopper's event page: shows one event (countdown, coupons left) and applies for a coupon.
// The event comes from the address (/e/{eventId} or /?event={eventId}), else from /featured-event.
(() => {
  'use strict';

  const ID = /^(?!\.+$)[A-Za-z0-9_.:@-]{1,64}$/;
  const SHOPPER_COOKIE = 'firstcome_shopper';
  const REFRESH_MS = 3000;          // coupons left, while the page is visible
  const DECISION_POLL_MS = 400;     // after a 202, until the processor has decided
  const DECISION_DEADLINE_MS = 20000;
  const REQUEST_TIMEOUT_MS = 10000;

  const $ = (id) => document.getElementById(id);
  const page = {
    name: $('event-name'), opensAt: $('opens-at'), countdown: $('countdown'), remaining: $('remaining'),
    meter: $('meter-fill'), form: $('apply-form'), user: $('user-id'), button: $('apply'), outcome: $('outcome'),
  };

  let eventId = null;
  let event = null;         // the last GET /events/{eventId} body
  let clockSkewMs = 0;      // server time - this device's time, from the Date header
  let inFlight = false;
  let missing = false;      // showing "no such event" / "could not be loaded"

  // --- talking to the ingress ------------------------------------------------------------------

  async function call(method, path, body) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
    const sentAt = Date.now();
    try {
      const response = await fetch(path, {
        method,
        headers: body === undefined ? { Accept: 'application/json' }
          : { Accept: 'application/json', 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: 'no-store',
        signal: controller.signal,
      });
      learnClock(response.headers.get('Date'), sentAt);
      let json = null;
      try { json = await response.json(); } catch (e) { json = null; }
      return { status: response.status, body: json || {}, retryAfter: response.headers.get('Retry-After') };
    } finally {
      clearTimeout(timer);
    }
  }

  function learnClock(dateHeader, sentAt) {
    const server = Date.parse(dateHeader || '');
    if (Number.isNaN(server)) return;
    const skew = server - (sentAt + Date.now()) / 2;
    // The header has whole seconds: only correct a device clock that is clearly off.
    clockSkewMs = Math.abs(skew) > 1500 ? skew : 0;
  }

  const now = () => Date.now() + clockSkewMs;
  const path = (...parts) => '/' + parts.map(encodeURIComponent).join('/');

  // --- the event -------------------------------------------------------------------------------

  function eventIdFromAddress() {
    const match = location.pathname.match(/^\/e\/([^/]+)\/?$/);
    if (match) return decodeURIComponent(match[1]);
    return new URLSearchParams(location.search).get('event');
  }

  async function loadEvent() {
    if (eventId === null) {
      const featured = await call('GET', '/featured-event');
      if (featured.status !== 200) {
        showMissing(featured.status === 404 ? 'No event right now' : 'The event could not be loaded',
          featured.status === 404 ? 'There is no coupon event at the moment. Come back later.' : null);
        return;
      }
      eventId = featured.body.eventId;
    }
    const answer = await call('GET', path('events', eventId));
    if (answer.status === 200) {
      event = answer.body;
      render();
    } else if (answer.status === 404 || answer.status === 400) {
      showMissing('No such event', 'There is no coupon event called “' + eventId + '”.');
    } else if (event === null) {
      showMissing('The event could not be loaded', null);
    }
  }

  function showMissing(title, message) {
    missing = true;
    page.name.textContent = title;
    document.title = title + ' · firstcome';
    page.button.disabled = true;
    if (message) say('warn', message);
  }

  function render() {
    if (missing) {          // a later poll found it (e.g. the ingress had just started)
      missing = false;
      page.button.disabled = inFlight;
      say('info', '');
    }
    page.name.textContent = event.eventId;
    document.title = event.eventId + ' · firstcome';
    page.opensAt.textContent = formatInstant(event.opensAt);
    page.remaining.textContent = event.remaining + ' of ' + event.limit;
    page.meter.style.width = Math.max(0, Math.min(100, 100 * event.remaining / event.limit)) + '%';
    renderCountdown();
  }

  function renderCountdown() {
    if (!event) return;
    const opens = Date.parse(event.opensAt);
    const closes = event.closesAt ? Date.parse(event.closesAt) : null;
    const t = now();
    if (t < opens) {
      page.countdown.textContent = 'Opens in ' + duration(opens - t);
    } else if (closes !== null && t >= closes) {
      page.countdown.textContent = 'Closed';
    } else if (event.remaining === 0) {
      page.countdown.textContent = 'Sold out';
    } else {
      page.countdown.textContent = 'Open now';
    }
  }

  function duration(ms) {
    const total = Math.ceil(ms / 1000);
    const days = Math.floor(total / 86400);
    const pad = (n) => String(n).padStart(2, '0');
    const clock = pad(Math.floor(total % 86400 / 3600)) + ':' + pad(Math.floor(total % 3600 / 60)) + ':' + pad(total % 60);
    return days > 0 ? days + ' d ' + clock : clock;
  }

  function formatInstant(iso) {
    if (!iso) return '–';
    return new Date(iso).toLocaleString(undefined, {
      weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
  }

  // --- the shopper -----------------------------------------------------------------------------

  function shopperFromCookie() {
    const found = document.cookie.split('; ').find((c) => c.startsWith(SHOPPER_COOKIE + '='));
    const value = found ? decodeURIComponent(found.slice(SHOPPER_COOKIE.length + 1)) : '';
    return ID.test(value) ? value : null;
  }

  function rememberShopper(id) {
    document.cookie = SHOPPER_COOKIE + '=' + encodeURIComponent(id) + '; Path=/; Max-Age=31536000; SameSite=Lax';
  }

  function newShopperId() {
    const bytes = new Uint8Array(5);
    crypto.getRandomValues(bytes);
    return 'shopper-' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  // --- applying --------------------------------------------------------------------------------

  function say(kind, text) {
    page.outcome.dataset.kind = kind;
    page.outcome.textContent = text;
  }

  function setBusy(busy) {
    inFlight = busy;
    page.button.disabled = busy;
    page.button.setAttribute('aria-busy', String(busy));
    page.button.textContent = busy ? 'Applying…' : 'Get my coupon';
  }

  async function apply(submitEvent) {
    submitEvent.preventDefault();
    if (inFlight || !eventId) return;   // the button is disabled too: one application at a time
    const userId = page.user.value.trim();
    if (!ID.test(userId)) {
      say('bad', 'Your shopper id must be 1 to 64 letters, digits or . _ : @ -');
      page.user.focus();
      return;
    }
    rememberShopper(userId);
    setBusy(true);
    say('info', 'Applying…');
    try {
      const answer = await call('POST', path('events', eventId, 'applications'), { userId });
      await explain(answer, userId);
    } catch (e) {
      say('bad', 'No answer from the server. Nothing may have been counted: try again.');
    } finally {
      setBusy(false);
      loadEvent().catch(() => {});
    }
  }

  async function explain(answer, userId) {
    const outcome = answer.body.outcome;
    if (answer.status === 202) {
      say('info', 'You are in the queue (number ' + answer.body.position + '). Confirming your coupon…');
      await awaitDecision(userId);
    } else if (outcome === 'ALREADY_APPLIED') {
      await explainEarlierApplication(userId);
    } else if (outcome === 'SOLD_OUT') {
      say('warn', 'Sold out: every coupon has been given out.');
    } else if (outcome === 'NOT_OPEN') {
      say('warn', 'Not open yet: applications open ' + formatInstant(event && event.opensAt) + '.');
    } else if (outcome === 'CLOSED') {
      say('warn', 'This event has closed.');
    } else if (outcome === 'UNKNOWN_EVENT') {
      say('bad', 'This event does not exist.');
    } else if (outcome === 'UNCONFIRMED') {
      // The request may be in Kafka: the place is kept and it will be decided, so watch for it.
      say('info', 'We could not confirm yet; your place is kept; checking…');
      await awaitDecision(userId);
    } else if (answer.status === 429 || answer.status === 503) {
      const seconds = Number.parseInt(answer.retryAfter || '1', 10) || 1;
      say('warn', 'Too busy right now, nothing was counted. Try again in ' + seconds + (seconds === 1 ? ' second.' : ' seconds.'));
    } else {
      say('bad', (answer.body.message ? answer.body.message + '. ' : '') + 'Try again (HTTP ' + answer.status + ').');
    }
  }

  /** After a 202: ask for the decision until it is there or the deadline passes. */
  async function awaitDecision(userId) {
    const deadline = Date.now() + DECISION_DEADLINE_MS;
    while (Date.now() < deadline) {
      const status = await lookUp(userId);
      if (status && status.outcome === 'ISSUED') {
        say('ok', 'You got coupon ' + status.couponNo + '!');
        return;
      }
      if (status && status.outcome === 'REJECTED') {
        say('warn', rejection(status.reason));
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, DECISION_POLL_MS));
    }
    say('info', 'Your application is in, but its coupon number is not confirmed yet. Press the button again in a moment to check.');
  }

  async function explainEarlierApplication(userId) {
    const status = await lookUp(userId);
    if (status && status.outcome === 'ISSUED') {
      say('warn', 'You have already applied. Your coupon is number ' + status.couponNo + '.');
    } else if (status && status.outcome === 'REJECTED') {
      say('warn', 'You have already applied. ' + rejection(status.reason));
    } else {
      say('warn', 'You have already applied. Your coupon is being confirmed.');
    }
  }

  /** GET the user's status: the body for 200, null for anything else (not decided, not reachable). */
  async function lookUp(userId) {
    try {
      const answer = await call('GET', path('events', eventId, 'applications', userId));
      return answer.status === 200 ? answer.body : null;
    } catch (e) {
      return null;
    }
  }

  function rejection(reason) {
    switch (reason) {
      case 'SOLD_OUT': return 'Sold out: every coupon had been given out.';
      case 'DUPLICATE': return 'You have already applied: one coupon per shopper.';
      case 'NOT_OPEN': return 'Not open yet when your application arrived.';
      case 'CLOSED': return 'The event had closed when your application arrived.';
      default: return 'Your application was not successful (' + reason + ').';
    }
  }

  // --- start -----------------------------------------------------------------------------------

  function start() {
    eventId = eventIdFromAddress();
    let shopper = shopperFromCookie();
    if (!shopper) {
      shopper = newShopperId();
      rememberShopper(shopper);
    }
    page.user.value = shopper;
    page.form.addEventListener('submit', apply);
    loadEvent().catch(() => showMissing('The event could not be loaded', 'Check your connection and reload the page.'));
    setInterval(renderCountdown, 1000);
    setInterval(() => {
      if (document.visibilityState === 'visible' && !inFlight) loadEvent().catch(() => {});
    }, REFRESH_MS);
  }

  start();
})();
