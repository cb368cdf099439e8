// The shopper's event page: shows one event (countdown, coupons left) and applies for a coupon.
// The event comes from the address (/e/{eventId} or /?event={eventId}), else from /featured-event.
// Once a shopper has applied, the page says what became of it (issued, redeemed, returned, expired,
// waitlisted, rejected) and keeps asking while the answer can still change (pending, waitlisted).
(() => {
  'use strict';

  const ID = /^(?!\.+$)[A-Za-z0-9_.:@-]{1,64}$/;
  const SHOPPER_COOKIE = 'firstcome_shopper';
  const REFRESH_MS = 3000;          // coupons left, while the page is visible
  const DECISION_POLL_MS = 400;     // after a 202, until the processor has decided
  const DECISION_DEADLINE_MS = 20000;
  const WAITING_POLL_MAX_MS = 10000; // the slowest re-check of a waiting shopper (back-off from DECISION_POLL_MS)
  const REQUEST_TIMEOUT_MS = 10000;

  const $ = (id) => document.getElementById(id);
  const page = {
    name: $('event-name'), opensAt: $('opens-at'), countdown: $('countdown'), remaining: $('remaining'),
    meter: $('meter-fill'), form: $('apply-form'), user: $('user-id'), button: $('apply'), outcome: $('outcome'),
    waitlistFact: $('waitlist-fact'), waitlist: $('waitlist'), validFact: $('valid-fact'), validUntil: $('valid-until'),
  };

  let eventId = null;
  let event = null;         // the last GET /events/{eventId} body
  let clockSkewMs = 0;      // server time - this device's time, from the Date header
  let inFlight = false;
  let missing = false;      // showing "no such event" / "could not be loaded"
  let watching = 0;         // the current watch of a shopper's status; a newer one ends the older
  let lookedUpOnOpen = false;

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
      if (!lookedUpOnOpen) {
        lookedUpOnOpen = true;
        showEarlierApplication();
      }
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
    page.waitlistFact.hidden = !(event.waitlist > 0);
    page.waitlist.textContent = event.waitlist > 0 ? event.waitlist + (event.waitlist === 1 ? ' place' : ' places') : '–';
    page.validFact.hidden = !event.couponsValidUntil;
    page.validUntil.textContent = formatInstant(event.couponsValidUntil);
    renderCountdown();
  }

  function renderCountdown() {
    if (!event) return;
    const opens = Date.parse(event.opensAt);
    // Applications end at the closing or when the coupons stop being valid, whichever comes first.
    const ends = [event.closesAt, event.couponsValidUntil].filter(Boolean).map((iso) => Date.parse(iso));
    const closes = ends.length ? Math.min(...ends) : null;
    const t = now();
    if (t < opens) {
      page.countdown.textContent = 'Opens in ' + duration(opens - t);
    } else if (closes !== null && t >= closes) {
      page.countdown.textContent = 'Closed';
    } else if (event.remaining === 0) {
      page.countdown.textContent = event.waitlist > 0 ? 'Waitlist only' : 'Sold out';
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
    watching++;               // a watch of an earlier answer ends: this application's answer follows
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
    if (answer.status === 202 && answer.body.waitlisted === true) {
      say('info', 'You are on the waitlist (number ' + answer.body.position + ' in the queue). Confirming your place…');
      await awaitDecision(userId);
    } else if (answer.status === 202) {
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

  /**
   * After a 202: ask for the decision until it is there. A pending application is asked for every
   * DECISION_POLL_MS up to DECISION_DEADLINE_MS; the button comes back then, and the watch goes on
   * in the background (see watch).
   */
  async function awaitDecision(userId) {
    const deadline = Date.now() + DECISION_DEADLINE_MS;
    const mine = ++watching;
    while (Date.now() < deadline && mine === watching) {
      const status = await lookUp(userId);
      if (status && status.outcome !== 'PENDING') {
        show(status, '');
        if (status.outcome === 'WAITLISTED') watch(userId, mine, status);
        return;
      }
      await pause(DECISION_POLL_MS);
    }
    if (mine !== watching) return;
    say('info', 'Your application is in, but its coupon number is not confirmed yet. We keep checking; this page will say when it is.');
    watch(userId, mine, { outcome: 'PENDING' });
  }

  /**
   * Keeps asking while the answer can still change (PENDING, WAITLISTED: the place moves as users
   * ahead are served, and a returned coupon may come any time). Backs off from DECISION_POLL_MS to
   * WAITING_POLL_MAX_MS while nothing changes, asks sooner again once something did, and asks
   * nothing while the page is hidden. Ends when a newer watch starts or the answer is final.
   */
  async function watch(userId, mine, last) {
    let delay = DECISION_POLL_MS;
    let seen = JSON.stringify(last);
    while (mine === watching) {
      await pause(delay);
      if (mine !== watching) return;
      if (document.visibilityState !== 'visible') continue;
      const status = await lookUp(userId);
      if (mine !== watching) return;
      if (!status) {
        delay = Math.min(WAITING_POLL_MAX_MS, delay * 2);
        continue;
      }
      const now = JSON.stringify(status);
      if (now !== seen) {
        seen = now;
        delay = DECISION_POLL_MS;
        if (status.outcome !== 'PENDING') show(status, '');
        if (status.outcome !== 'PENDING' && status.outcome !== 'WAITLISTED') {
          loadEvent().catch(() => {});
          return;
        }
      } else {
        delay = Math.min(WAITING_POLL_MAX_MS, Math.round(delay * 1.5));
      }
    }
  }

  const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  async function explainEarlierApplication(userId) {
    const status = await lookUp(userId);
    if (status && status.outcome === 'ISSUED') {
      say('warn', 'You have already applied. Your coupon is number ' + status.couponNo + '.'
        + (status.validUntil ? ' It is valid until ' + formatInstant(status.validUntil) + '.' : ''));
    } else if (status && status.outcome !== 'PENDING') {
      show(status, 'You have already applied. ', 'warn');
      if (status.outcome === 'WAITLISTED') watch(userId, ++watching, status);
    } else {
      say('warn', 'You have already applied. Your coupon is being confirmed.');
      watch(userId, ++watching, status || { outcome: 'PENDING' });
    }
  }

  /** Opening the page again: what became of this shopper's application, if there was one. */
  async function showEarlierApplication() {
    const userId = page.user.value.trim();
    if (!ID.test(userId) || inFlight) return;
    const mine = ++watching;
    const status = await lookUp(userId);
    if (!status || mine !== watching || inFlight) return;
    if (status.outcome === 'PENDING') {
      say('info', 'Your application is in. Confirming your coupon…');
      watch(userId, mine, status);
    } else {
      show(status, '');
      if (status.outcome === 'WAITLISTED') watch(userId, mine, status);
    }
  }

  /** Says what the status means, in words, after {@code prefix}; {@code kind} overrides the colour. */
  function show(status, prefix, kind) {
    const words = describe(status);
    say(kind || words.kind, prefix + words.text);
  }

  function describe(status) {
    const until = status.validUntil ? ' It is valid until ' + formatInstant(status.validUntil) + '.' : '';
    switch (status.outcome) {
      case 'ISSUED':
        return { kind: 'ok', text: 'You got coupon ' + status.couponNo + '!' + until };
      case 'REDEEMED':
        return { kind: 'ok', text: 'Your coupon ' + status.couponNo + ' was used for order ' + status.orderId + '.' };
      case 'RETURNED':
        return { kind: 'info', text: 'Your coupon ' + status.couponNo + ' was returned: it went back to the pool for someone else.' };
      case 'EXPIRED':
        return { kind: 'warn', text: 'Your coupon ' + status.couponNo + ' expired'
          + (status.validUntil ? ' on ' + formatInstant(status.validUntil) : '') + ' without being used.' };
      case 'WAITLISTED':
        return { kind: 'info', text: 'You are on the waitlist: number ' + status.place + ' in line.'
          + (status.place === 1 ? ' You are next:' : '') + ' you get a coupon as soon as one is returned.' };
      case 'REJECTED':
        return { kind: 'warn', text: rejection(status.reason) };
      default:
        return { kind: 'info', text: 'Your application is in. Confirming your coupon…' };
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
      case 'CLOSED': return 'The event closed before you got a coupon.';
      case 'UNKNOWN_EVENT': return 'The event did not exist when your application arrived.';
      case 'NOT_DRAWN': return 'Not drawn: the draw gave the coupons to other shoppers.';
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
