// The shopper's event page: shows one event (countdown, coupons left) and applies for a coupon.
// The event comes from the address (/e/{eventId} or /?event={eventId}), else from /featured-event.
// Once a shopper has applied, the page says what became of it (issued, redeemed, returned, expired,
// waitlisted, rejected) and keeps asking while the answer can still change (pending, waitlisted, in
// the draw). An event with a fair opening (docs/fair-opening.md) counts down its draw window, says
// the draw's result with the shopper's rank, and shows how to check the draw once its seed is out.
// With shopper identities on (docs/identities.md) the shopper is whoever the shop's sign-in says:
// GET /shopper answers from the cookie firstcome_token the shop's site set, and the page shows
// "Signed in as ..." instead of the id field (404: identities off, the page works as without them).
(() => {
  'use strict';

  const ID = /^(?!\.+$)[A-Za-z0-9_.:@-]{1,64}$/;
  const SHOPPER_COOKIE = 'firstcome_shopper';
  const REFRESH_MS = 3000;          // coupons left, while the page is visible
  const DECISION_POLL_MS = 400;     // after a 202, until the processor has decided
  const DECISION_DEADLINE_MS = 20000;
  const WAITING_POLL_MAX_MS = 10000; // the slowest re-check of a waiting shopper (back-off from DECISION_POLL_MS)
  const REQUEST_TIMEOUT_MS = 10000;
  const DRAW_SETTLE_MS = 300;       // the draw happens once stream time is 250 ms past the window's end
  const NUMBERS = new Intl.NumberFormat('en');   // the page speaks English: 12,345

  const $ = (id) => document.getElementById(id);
  const page = {
    name: $('event-name'), opensAt: $('opens-at'), countdown: $('countdown'), remaining: $('remaining'),
    meter: $('meter-fill'), form: $('apply-form'), user: $('user-id'), button: $('apply'), outcome: $('outcome'),
    userField: $('user-id-field'), shopper: $('shopper'),
    waitlistFact: $('waitlist-fact'), waitlist: $('waitlist'), validFact: $('valid-fact'), validUntil: $('valid-until'),
    eligibilityFact: $('eligibility-fact'), eligibility: $('eligibility'),
    drawNote: $('draw-note'), drawCheck: $('draw-check'), drawCheckIntro: $('draw-check-intro'),
    drawCommitment: $('draw-commitment'), drawSeedFact: $('draw-seed-fact'), drawSeed: $('draw-seed'),
    drawIssuedFact: $('draw-issued-fact'), drawIssuedUpTo: $('draw-issued-up-to'),
    drawWaitlistFact: $('draw-waitlist-fact'), drawWaitlistUpTo: $('draw-waitlist-up-to'),
    drawCommands: $('draw-commands'), drawCommand: $('draw-command'),
  };

  let eventId = null;
  let event = null;         // the last GET /events/{eventId} body
  let clockSkewMs = 0;      // server time - this device's time, from the Date header
  let inFlight = false;
  let missing = false;      // showing "no such event" / "could not be loaded"
  let watching = 0;         // the current watch of a shopper's status; a newer one ends the older
  let lookedUpOnOpen = false;
  let shown = null;         // the status the outcome says now, with its prefix and kind
  // Identities: 'off' (the shopper types an id), 'in' (signedIn is the token's sub), 'out' (not signed in)
  let identity = 'off';
  let signedIn = null;
  let identityKnown = null; // resolves once GET /shopper has answered

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
        credentials: 'same-origin',   // the shop's sign-in cookie (firstcome_token), when identities are on
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
        identityKnown.then(showEarlierApplication);
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
      page.button.disabled = inFlight || identity === 'out';
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
    const members = membersOf(event.eligibility);
    page.eligibilityFact.hidden = members === null;
    page.eligibility.textContent = members === null ? '–' : 'For ' + members + ' members';
    renderCountdown();
    renderDrawCheck();
    // "Apply again" depends on the coupons left: say it again when that changed.
    if (shown && !inFlight) show(shown.status, shown.prefix, shown.kind);
  }

  function renderCountdown() {
    if (!event) return;
    const opens = Date.parse(event.opensAt);
    // Applications end at the closing or when the coupons stop being valid, whichever comes first.
    const ends = [event.closesAt, event.couponsValidUntil].filter(Boolean).map((iso) => Date.parse(iso));
    const closes = ends.length ? Math.min(...ends) : null;
    const t = now();
    const draw = drawOf(event);
    const drawEnds = draw ? drawEndsAt(draw) : null;
    if (t < opens) {
      page.countdown.textContent = 'Opens in ' + duration(opens - t) + (draw ? ', then a ' + draw.windowSeconds + ' s draw' : '');
    } else if (closes !== null && t >= closes) {
      page.countdown.textContent = 'Closed';
    } else if (draw && t < drawEnds) {
      page.countdown.textContent = 'Draw closes in ' + duration(drawEnds - t);
    } else if (draw && !isDrawn(draw)) {
      page.countdown.textContent = 'Drawing…';
    } else if (event.remaining === 0) {
      page.countdown.textContent = event.waitlist > 0 ? 'Waitlist only' : 'Sold out';
    } else {
      page.countdown.textContent = 'Open now';
    }
    renderDrawNote(draw, t, opens, drawEnds, closes !== null && t >= closes);
  }

  // --- the draw (fair opening) -----------------------------------------------------------------

  const drawOf = (info) => (info && info.draw && info.draw.windowSeconds > 0 ? info.draw : null);
  /** Done once the event info reveals the seed (it carries drawnAt and the entrants with it). */
  const isDrawn = (draw) => Boolean(draw.seed || draw.drawnAt);

  function drawEndsAt(draw) {
    const ends = Date.parse(draw.endsAt || '');
    return Number.isNaN(ends) ? Date.parse(event.opensAt) + 1000 * draw.windowSeconds : ends;
  }

  /** The sentence under the facts: what the window means now. Not a live region: it changes every second. */
  function renderDrawNote(draw, t, opens, drawEnds, closed) {
    page.drawNote.hidden = !draw;
    if (!draw) return;
    const at = clockTime(drawEnds);
    const after = closed ? '' : ' After that, first come, first served for whatever is left.';
    const nowFirstCome = closed || !(event.remaining > 0) ? '' : ' Now first come, first served for whatever is left.';
    let text;
    if (t < opens) {
      text = 'A fair opening: everyone who applies in the first ' + draw.windowSeconds + ' s has the same chance.'
        + ' Their order is drawn when the window ends, at ' + at + '.' + after;
    } else if (t < drawEnds) {
      text = 'Everyone who applies in the next ' + Math.ceil((drawEnds - t) / 1000) + ' s has the same chance.'
        + ' Their order is drawn at ' + at + ', so there is no need to rush.' + after;
    } else if (!isDrawn(draw)) {
      text = 'The draw window ended at ' + at + ': the draw is being decided.';
    } else {
      text = 'Drawn at ' + clockTime(Date.parse(draw.drawnAt || draw.endsAt))
        + (draw.entrants !== undefined ? ' among ' + count(draw.entrants) + ' ' + plural(draw.entrants, 'entrant') : '') + '.'
        + nowFirstCome;
    }
    page.drawNote.textContent = text;
  }

  /** The commitment from the start; after the draw the seed and the commands that check it. */
  function renderDrawCheck() {
    const draw = drawOf(event);
    page.drawCheck.hidden = !draw;
    if (!draw) return;
    const revealed = typeof draw.seed === 'string' && /^[0-9a-f]+$/.test(draw.seed);
    page.drawCheckIntro.textContent = revealed
      ? 'The draw is done. Its seed is below: it must hash to the commitment published before the opening,'
        + ' and it ranks every entrant by SHA-256(seed bytes, then shopper id), lowest first.'
      : 'Before the opening, the organiser committed to a secret seed; it ranks everyone in the draw.'
        + ' Once the draw is done, the seed shows here with the commands to check your place yourself.';
    page.drawCommitment.textContent = draw.commitment || '–';
    page.drawSeedFact.hidden = !revealed;
    page.drawSeed.textContent = revealed ? draw.seed : '–';
    page.drawIssuedFact.hidden = !(revealed && draw.issuedUpTo);
    page.drawIssuedUpTo.textContent = draw.issuedUpTo || '–';
    page.drawWaitlistFact.hidden = !(revealed && draw.waitlistUpTo);
    page.drawWaitlistUpTo.textContent = draw.waitlistUpTo || '–';
    page.drawCommands.hidden = !revealed;
    renderDrawCommand();
  }

  /** docs/fair-opening.md's two lines with this seed and the shopper id in the field. */
  function renderDrawCommand() {
    const draw = drawOf(event);
    if (!draw || !draw.seed) return;
    const typed = page.user.value.trim();
    const me = ID.test(typed) ? typed : 'your-shopper-id';
    page.drawCommand.textContent = 'printf %s "' + draw.seed + '" | xxd -r -p | sha256sum\n'
      + '{ printf %s "' + draw.seed + '" | xxd -r -p; printf %s "' + me + '"; } | sha256sum';
  }

  const pad = (n) => String(n).padStart(2, '0');
  const count = (n) => NUMBERS.format(n);
  const plural = (n, word) => word + (n === 1 ? '' : 's');

  /** 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st, 1,002nd. */
  function ordinal(n) {
    const tens = n % 100;
    const suffix = tens >= 11 && tens <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' })[n % 10] || 'th';
    return count(n) + suffix;
  }

  /** HH:MM:SS on the shopper's clock. */
  function clockTime(instant) {
    const d = new Date(instant);
    return pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
  }

  function duration(ms) {
    const total = Math.ceil(ms / 1000);
    const days = Math.floor(total / 86400);
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

  /** Says {@code text} in the outcome region (announced), unless it says exactly that already. */
  function say(kind, text) {
    shown = null;
    offerAgain(false);
    sayOnly(kind, text);
  }

  function sayOnly(kind, text) {
    if (page.outcome.textContent === text && page.outcome.dataset.kind === kind) return;
    page.outcome.dataset.kind = kind;
    page.outcome.textContent = text;
  }

  let again = false;        // the button offers to apply again (not drawn, coupons left)
  function offerAgain(offer) {
    again = offer;
    if (!inFlight) page.button.textContent = again ? 'Apply again' : 'Get my coupon';
  }

  function setBusy(busy) {
    inFlight = busy;
    page.button.disabled = busy || identity === 'out';
    page.button.setAttribute('aria-busy', String(busy));
    page.button.textContent = busy ? 'Applying…' : (again ? 'Apply again' : 'Get my coupon');
  }

  async function apply(submitEvent) {
    submitEvent.preventDefault();
    if (inFlight || !eventId) return;   // the button is disabled too: one application at a time
    if (identity === 'out') {
      say('warn', SIGN_IN);
      return;
    }
    const userId = identity === 'in' ? signedIn : page.user.value.trim();
    if (!ID.test(userId)) {
      say('bad', 'Your shopper id must be 1 to 64 letters, digits or . _ : @ -');
      page.user.focus();
      return;
    }
    if (identity === 'off') rememberShopper(userId);
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
    if (answer.status === 202 && answer.body.inDraw === true) {
      const draw = drawOf(event);
      say('info', inTheDraw(draw ? drawEndsAt(draw) : null));
      await awaitDecision(userId);
    } else if (answer.status === 202 && answer.body.waitlisted === true) {
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
    } else if (outcome === 'UNAUTHENTICATED' || outcome === 'FORBIDDEN' || outcome === 'NOT_ELIGIBLE') {
      refused(answer);
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
        if (mayChange(status)) watch(userId, mine, status);
        return;
      }
      await pause(DECISION_POLL_MS);
    }
    if (mine !== watching) return;
    say('info', 'Your application is in, but its coupon number is not confirmed yet. We keep checking; this page will say when it is.');
    watch(userId, mine, { outcome: 'PENDING' });
  }

  /** Whether a status can still change by itself: undecided, waiting, or waiting for the draw. */
  const mayChange = (status) => status.outcome === 'PENDING' || status.outcome === 'WAITLISTED' || status.outcome === 'IN_DRAW';

  /**
   * Keeps asking while the answer can still change (PENDING; WAITLISTED: the place moves as users
   * ahead are served, and a returned coupon may come any time; IN_DRAW: until the draw). Backs off
   * from DECISION_POLL_MS to WAITING_POLL_MAX_MS while nothing changes, asks sooner again once
   * something did, and asks nothing while the page is hidden. In the draw it asks again just after
   * the window's end, then more and more slowly. Ends when a newer watch starts or the answer is final.
   */
  async function watch(userId, mine, last) {
    let delay = DECISION_POLL_MS;
    let seen = JSON.stringify(last);
    let latest = last;
    while (mine === watching) {
      await pause(latest.outcome === 'IN_DRAW' ? drawPollDelay(latest) : delay);
      if (mine !== watching) return;
      if (document.visibilityState !== 'visible') continue;
      const status = await lookUp(userId);
      if (mine !== watching) return;
      if (!status) {
        delay = Math.min(WAITING_POLL_MAX_MS, delay * 2);
        continue;
      }
      latest = status;
      const now = JSON.stringify(status);
      if (now !== seen) {
        seen = now;
        delay = DECISION_POLL_MS;
        if (status.outcome !== 'PENDING') show(status, '');
        if (!mayChange(status)) {
          loadEvent().catch(() => {});
          return;
        }
      } else {
        delay = Math.min(WAITING_POLL_MAX_MS, Math.round(delay * 1.5));
      }
    }
  }

  const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  /** Until the draw at drawAt: ask right after it, then back off as the time since it grows. */
  function drawPollDelay(status) {
    const drawAt = Date.parse(status.drawAt || '');
    if (Number.isNaN(drawAt)) return WAITING_POLL_MAX_MS;
    const t = now();
    if (t < drawAt) return Math.min(WAITING_POLL_MAX_MS, drawAt - t + DRAW_SETTLE_MS);
    return Math.min(WAITING_POLL_MAX_MS, DECISION_POLL_MS + Math.round((t - drawAt) / 10));
  }

  async function explainEarlierApplication(userId) {
    const status = await lookUp(userId);
    if (status && status.outcome === 'ISSUED') {
      say('warn', 'You have already applied. Your coupon is number ' + status.couponNo + '.'
        + (status.validUntil ? ' It is valid until ' + formatInstant(status.validUntil) + '.' : ''));
    } else if (status && status.outcome !== 'PENDING') {
      show(status, 'You have already applied. ', 'warn');
      if (mayChange(status)) watch(userId, ++watching, status);
    } else {
      say('warn', 'You have already applied. Your coupon is being confirmed.');
      watch(userId, ++watching, status || { outcome: 'PENDING' });
    }
  }

  /** Opening the page again: what became of this shopper's application, if there was one. */
  async function showEarlierApplication() {
    const userId = identity === 'in' ? signedIn : page.user.value.trim();
    if (identity === 'out' || !ID.test(userId) || inFlight) return;
    const mine = ++watching;
    const status = await lookUp(userId);
    if (!status || mine !== watching || inFlight) return;
    if (status.outcome === 'PENDING') {
      say('info', 'Your application is in. Confirming your coupon…');
      watch(userId, mine, status);
    } else {
      show(status, '');
      if (mayChange(status)) watch(userId, mine, status);
    }
  }

  /** Says what the status means, in words, after {@code prefix}; {@code kind} overrides the colour. */
  function show(status, prefix, kind) {
    const words = describe(status);
    sayOnly(kind || words.kind, prefix + words.text);
    shown = { status, prefix, kind };
    offerAgain(words.again === true);
  }

  function inTheDraw(drawAt) {
    return 'You are in the draw — it is decided at ' + (drawAt === null ? 'the end of the draw window' : clockTime(drawAt))
      + '. This page shows your result then.';
  }

  function describe(status) {
    const until = status.validUntil ? ' It is valid until ' + formatInstant(status.validUntil) + '.' : '';
    const drawn = status.drawRank > 0 && status.entrants > 0
      ? 'You were drawn ' + ordinal(status.drawRank) + ' of ' + count(status.entrants) + ' ' + plural(status.entrants, 'entrant') + ': '
      : null;
    switch (status.outcome) {
      case 'IN_DRAW':
        return { kind: 'info', text: inTheDraw(Date.parse(status.drawAt)) };
      case 'ISSUED':
        if (drawn) return { kind: 'ok', text: drawn + 'coupon no. ' + status.couponNo + '.' + until };
        return { kind: 'ok', text: 'You got coupon ' + status.couponNo + '!' + until };
      case 'REDEEMED':
        return { kind: 'ok', text: 'Your coupon ' + status.couponNo + ' was used for order ' + status.orderId + '.' };
      case 'RETURNED':
        return { kind: 'info', text: 'Your coupon ' + status.couponNo + ' was returned: it went back to the pool for someone else.' };
      case 'EXPIRED':
        return { kind: 'warn', text: 'Your coupon ' + status.couponNo + ' expired'
          + (status.validUntil ? ' on ' + formatInstant(status.validUntil) : '') + ' without being used.' };
      case 'WAITLISTED':
        if (drawn) {
          return { kind: 'info', text: drawn + 'you are on the waitlist, place ' + count(status.place) + '.'
            + ' You get a coupon as soon as one is returned.' };
        }
        return { kind: 'info', text: 'You are on the waitlist: number ' + status.place + ' in line.'
          + (status.place === 1 ? ' You are next:' : '') + ' you get a coupon as soon as one is returned.' };
      case 'REJECTED':
        if (status.reason === 'NOT_DRAWN' && status.drawRank > 0) {
          const left = couponsLeftToApplyFor();
          return { kind: 'warn', again: left > 0, text: 'Not drawn this time (rank ' + count(status.drawRank) + ' of '
            + count(status.entrants) + ').' + (left > 0 ? ' ' + (left === 1 ? 'A coupon is' : count(left) + ' coupons are')
            + ' still left: you can apply again.' : '') };
        }
        return { kind: 'warn', text: rejection(status.reason) };
      default:
        return { kind: 'info', text: 'Your application is in. Confirming your coupon…' };
    }
  }

  /** Coupons a new application can still get now (first come, after the draw); 0 when closed or not known. */
  function couponsLeftToApplyFor() {
    if (!event || !(event.remaining > 0)) return 0;
    const ends = [event.closesAt, event.couponsValidUntil].filter(Boolean).map((iso) => Date.parse(iso));
    return ends.length && now() >= Math.min(...ends) ? 0 : event.remaining;
  }

  /**
   * GET the user's status: the body for 200, null for anything else (not decided, not reachable).
   * A refusal (401 / 403: the sign-in expired, another shopper's status) is said in words and ends the watch.
   */
  async function lookUp(userId) {
    try {
      const answer = await call('GET', path('events', eventId, 'applications', userId));
      if (answer.status === 401 || answer.status === 403) {
        watching++;
        refused(answer);
      }
      return answer.status === 200 ? answer.body : null;
    } catch (e) {
      return null;
    }
  }

  // --- identities (docs/identities.md) ---------------------------------------------------------

  const SIGN_IN = 'Sign in at the shop\'s site to apply.';
  const EXPIRED = 'Your sign-in has expired: sign in again at the shop\'s site.';

  /** Asks GET /shopper who the shop's sign-in says this shopper is, and sets the page's mode by it. */
  async function askShopper() {
    let answer;
    try {
      answer = await call('GET', '/shopper');
    } catch (e) {
      answer = null;
    }
    if (answer && answer.status === 200 && ID.test(answer.body.userId || '')) {
      setIdentity('in', answer.body.userId);
    } else if (answer && answer.status === 401) {
      setIdentity('out', null);
    } else if (answer && answer.status === 404) {
      setIdentity('off', null);
    }
    // Anything else (no answer, a 5xx) keeps the page as it is: an application that needed a
    // sign-in is refused in words, and the refusal asks again.
  }

  function setIdentity(mode, userId) {
    identity = mode;
    signedIn = mode === 'in' ? userId : null;
    page.userField.hidden = mode !== 'off';
    page.shopper.hidden = mode === 'off';
    page.shopper.dataset.signed = mode;
    page.shopper.textContent = mode === 'in' ? 'Signed in as ' + userId : mode === 'out' ? SIGN_IN : '';
    if (mode === 'in') page.user.value = userId;   // what the status look-ups and the draw's command use
    if (!inFlight) page.button.disabled = missing || mode === 'out';
    renderDrawCommand();
  }

  /** A 401 / 403 answer of the apply or status route, in words. */
  function refused(answer) {
    const outcome = answer.body.outcome;
    if (outcome === 'UNAUTHENTICATED' || answer.status === 401) {
      say('bad', identity === 'in' ? EXPIRED : SIGN_IN);
      askShopper().catch(() => {});   // the page says who is signed in now (or that nobody is)
    } else if (outcome === 'NOT_ELIGIBLE') {
      say('warn', notEligible(answer.body.message));
    } else if (outcome === 'FORBIDDEN') {
      say('bad', 'Not allowed: you can only apply and look up as yourself'
        + (signedIn ? ' (' + signedIn + ')' : '') + '. Reload the page.');
    } else {
      say('bad', (answer.body.message ? answer.body.message + '. ' : '') + 'Try again (HTTP ' + answer.status + ').');
    }
  }

  /** "gold or vip" from an event's rule of who may apply (docs/identities.md), or null without one. */
  function membersOf(rule) {
    const values = rule && Array.isArray(rule.anyOf) ? rule.anyOf.filter((v) => typeof v === 'string') : [];
    if (values.length === 0) return null;
    return values.length === 1 ? values[0] : values.slice(0, -1).join(', ') + ' or ' + values[values.length - 1];
  }

  /** "This drop is for gold or vip members only." from the event's rule, else from the refusal's message. */
  function notEligible(message) {
    const members = membersOf(event && event.eligibility);
    // Without identities nobody is signed in: the refusal says so ("this event is for signed-in shoppers").
    if (members !== null && identity !== 'off') return 'This drop is for ' + members + ' members only.';
    const text = String(message || '').trim().replace(/\.$/, '');
    if (!text) return 'This drop is for members only.';
    return text.charAt(0).toUpperCase() + text.slice(1) + '.';
  }

  function rejection(reason) {
    switch (reason) {
      case 'SOLD_OUT': return 'Sold out: every coupon had been given out.';
      case 'DUPLICATE': return 'You have already applied: one coupon per shopper.';
      case 'NOT_OPEN': return 'Not open yet when your application arrived.';
      case 'CLOSED': return 'The event closed before you got a coupon.';
      case 'UNKNOWN_EVENT': return 'The event did not exist when your application arrived.';
      case 'NOT_DRAWN': return 'Not drawn: the draw gave the coupons to other shoppers.';
      case 'NOT_ELIGIBLE': return 'The rule of who may apply changed before your application was decided. '
        + notEligible('');
      default: return 'Your application was not successful (' + reason + ').';
    }
  }

  // --- start -----------------------------------------------------------------------------------

  function start() {
    eventId = eventIdFromAddress();
    const remembered = shopperFromCookie();
    page.user.value = remembered || newShopperId();
    // The demo's id cookie only once identities are known to be off (signed in, the id is the token's).
    identityKnown = askShopper().then(() => {
      const typed = page.user.value.trim();
      if (identity === 'off' && !remembered && ID.test(typed)) rememberShopper(typed);
    });
    page.form.addEventListener('submit', apply);
    page.user.addEventListener('input', renderDrawCommand);
    loadEvent().catch(() => showMissing('The event could not be loaded', 'Check your connection and reload the page.'));
    setInterval(renderCountdown, 1000);
    setInterval(() => {
      if (document.visibilityState === 'visible' && !inFlight) loadEvent().catch(() => {});
    }, REFRESH_MS);
    // Back from the shop's site (signed in there, or again): ask who the shopper is now.
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible' && identity === 'out') askShopper().catch(() => {});
    });
  }

  start();
})();
