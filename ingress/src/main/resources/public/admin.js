// The organiser's page: define events and watch one of them live (short polling, one request a second).
// The admin token lives in this closure only: never in storage, a cookie or the address.
// An event with a draw window (docs/fair-opening.md) also shows its draw: the entrants as they come
// (the streams-processor's tally), then the outcome and the seed once it is revealed.
// During a drop: close an event now, change its limit (both send the event's stored definition back
// with one field changed), and a warning when the gate and the authority disagree (docs/operations.md).
(() => {
  'use strict';

  const STATS_EVERY_MS = 1000;
  const LIST_EVERY_MS = 3000;
  const CHART_SECONDS = 120;
  const REQUEST_TIMEOUT_MS = 5000;
  const INFO_EVERY_MS = 10000;      // the public info of an event without a draw, in case it gains one
  const NUMBERS = new Intl.NumberFormat('en');
  const COLOURS = {
    ACCEPTED: '#1a7f37', ALREADY_APPLIED: '#0969da', SOLD_OUT: '#bc4c00', NOT_OPEN: '#8250df',
    CLOSED: '#6e7781', UNKNOWN_EVENT: '#57606a', INVALID_REQUEST: '#9a6700', UNAVAILABLE: '#cf222e',
    UNCONFIRMED: '#d4a72c',
    RATE_LIMITED: '#bf3989', TOO_MANY_REQUESTS: '#bf3989',
  };
  const WORDS = {
    ACCEPTED: 'Accepted (202)', ALREADY_APPLIED: 'Already applied (409)', SOLD_OUT: 'Sold out (410)',
    NOT_OPEN: 'Not open yet (409)', CLOSED: 'Closed (410)', INVALID_REQUEST: 'Invalid request (4xx)',
    UNAVAILABLE: 'Unavailable (503)', UNCONFIRMED: 'Unconfirmed, place kept (503)', UNKNOWN_EVENT: 'Unknown event (404)',
    NOT_ELIGIBLE: 'Not eligible (403)', UNAUTHENTICATED: 'Not signed in (401)', FORBIDDEN: 'Forbidden (403)',
  };

  const $ = (id) => document.getElementById(id);
  let token = null;
  let watched = null;        // event id shown in the live section
  let samples = [];          // [{t, answers}] for the watched event, oldest first
  let statsTimer = null;
  let listTimer = null;
  let info = null;           // the watched event's public info (GET /events/{eventId}): its draw as shoppers see it
  let infoAt = 0;            // when it was last asked for
  let clockOffset = 0;       // the ingress's clock minus this page's, from the list's "at": "now" is the ingress's now
  let lastStats = null;      // the watched event's latest stats: the coupons held when the limit changes

  // --- talking to the ingress ------------------------------------------------------------------

  async function call(method, path, body) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
    try {
      const headers = { Accept: 'application/json', Authorization: 'Bearer ' + token };
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      const response = await fetch(path, {
        method, headers, cache: 'no-store', signal: controller.signal,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      let json = null;
      try { json = await response.json(); } catch (e) { json = null; }
      if (response.status === 401) lock('The admin token was refused: ' + ((json && json.message) || 'unauthorized') + '.');
      return { status: response.status, body: json || {} };
    } finally {
      clearTimeout(timer);
    }
  }

  const path = (...parts) => '/' + parts.map(encodeURIComponent).join('/');

  function say(element, kind, text) {
    element.dataset.kind = kind;
    element.textContent = text;
  }

  // --- token -----------------------------------------------------------------------------------

  async function unlock(submitEvent) {
    submitEvent.preventDefault();
    const given = $('token').value.trim();
    if (!given) {
      say($('token-status'), 'bad', 'Enter the admin token.');
      return;
    }
    token = given;
    $('token').value = '';
    const answer = await call('GET', '/admin/events').catch(() => null);
    if (!answer) {
      say($('token-status'), 'bad', 'No answer from the ingress. Try again.');
      token = null;
      return;
    }
    if (answer.status !== 200) {
      if (answer.status !== 401) say($('token-status'), 'bad', 'The ingress answered HTTP ' + answer.status + '.');
      token = null;
      return;
    }
    say($('token-status'), 'ok', 'Unlocked.');
    $('token-form').hidden = true;
    $('token-hint').hidden = true;
    for (const id of ['define-section', 'events-section']) $(id).hidden = false;
    showEvents(answer.body);
    clearTimeout(listTimer);
    listTimer = setTimeout(refreshList, LIST_EVERY_MS);
  }

  function lock(message) {
    token = null;
    clearTimeout(listTimer);
    clearTimeout(statsTimer);
    for (const id of ['define-section', 'events-section', 'live-section']) $(id).hidden = true;
    $('token-form').hidden = false;
    $('token-hint').hidden = false;
    say($('token-status'), 'bad', message);
  }

  // --- defining an event -----------------------------------------------------------------------

  function instantOf(localValue) {
    return localValue ? new Date(localValue).toISOString() : undefined;
  }

  async function define(submitEvent) {
    submitEvent.preventDefault();
    const result = $('define-result');
    const eventId = $('define-id').value.trim();
    if (!/^(?!\.+$)[A-Za-z0-9_.:@-]{1,64}$/.test(eventId)) {
      say(result, 'bad', 'The event id must be 1 to 64 letters, digits or . _ : @ -');
      $('define-id').focus();
      return;
    }
    const body = { limit: Number($('define-limit').value) };
    const opensAt = instantOf($('define-opens').value);
    const closesAt = instantOf($('define-closes').value);
    if (opensAt) body.opensAt = opensAt;
    if (closesAt) body.closesAt = closesAt;
    const waitlist = $('define-waitlist').value.trim();
    if (waitlist !== '') body.waitlist = Number(waitlist);
    const couponsValidUntil = instantOf($('define-valid-until').value);
    if (couponsValidUntil) body.couponsValidUntil = couponsValidUntil;
    const drawWindow = $('define-draw-window').value.trim();
    if (drawWindow !== '') body.drawWindowSeconds = Number(drawWindow);
    const drawCap = $('define-draw-cap').value.trim();
    if (drawCap !== '') body.drawCap = Number(drawCap);
    // Who may apply: both fields empty is an event for every shopper (a redefinition clears the rule).
    const claim = $('define-claim').value.trim();
    const anyOf = $('define-any-of').value.split(',').map((v) => v.trim()).filter((v) => v !== '');
    if (claim !== '' || anyOf.length > 0) {
      if (claim === '' || anyOf.length === 0) {
        say(result, 'bad', 'Give both the claim and its accepted values, or neither for an event open to every shopper.');
        $(claim === '' ? 'define-claim' : 'define-any-of').focus();
        return;
      }
      body.eligibility = { claim, anyOf };
    }
    const button = $('define-submit');
    button.disabled = true;
    say(result, 'info', 'Saving…');
    try {
      const answer = await call('PUT', path('admin', 'events', eventId), body);
      if (answer.status === 200) {
        say(result, 'ok', 'Saved ' + answer.body.eventId + ': ' + answer.body.limit + ' coupons'
          + (answer.body.waitlist > 0 ? ', a waitlist of ' + answer.body.waitlist : '')
          + ', opens ' + new Date(answer.body.opensAt).toLocaleString()
          + (hasDraw(answer.body.draw) ? ', a ' + answer.body.draw.windowSeconds + ' s draw window'
            + (answer.body.draw.cap ? ' for up to ' + count(answer.body.draw.cap) + ' entrants' : '') : '')
          + (answer.body.couponsValidUntil ? ', coupons valid until ' + new Date(answer.body.couponsValidUntil).toLocaleString() : '')
          + (answer.body.eligibility ? ', for shoppers whose ' + eligibilityText(answer.body.eligibility) : '')
          + '.');
        watch(answer.body.eventId);
        await refreshList();
      } else if (answer.status !== 401) {
        say(result, 'bad', (answer.body.message || 'HTTP ' + answer.status) + '.');
      }
    } catch (e) {
      say(result, 'bad', 'No answer from the ingress. Nothing may have been saved: try again.');
    } finally {
      button.disabled = false;
    }
  }

  // --- the list of events ----------------------------------------------------------------------

  async function refreshList() {
    clearTimeout(listTimer);
    if (!token) return;
    try {
      const answer = await call('GET', '/admin/events');
      if (answer.status === 200) showEvents(answer.body);
    } catch (e) {
      // keep the last list; the next poll tries again
    }
    if (token) listTimer = setTimeout(refreshList, LIST_EVERY_MS);
  }

  function showEvents(list) {
    const rows = list.events || [];
    if (list.at) clockOffset = Date.parse(list.at) - Date.now();
    const at = list.at ? Date.parse(list.at) : Date.now();
    $('events-note').textContent = rows.length === 0 ? 'No event yet: define one above.'
      : (list.total > rows.length ? 'The ' + rows.length + ' most recent of ' + list.total + ' events.' : '');
    const body = document.createElement('tbody');
    for (const row of rows) {
      const tr = document.createElement('tr');
      cell(tr, row.eventId);
      cell(tr, row.limit, true);
      cell(tr, row.accepted ?? '–', true);
      cell(tr, row.remaining ?? '–', true);
      cell(tr, row.waitlist || '–', true);
      cell(tr, new Date(row.opensAt).toLocaleString() + (hasDraw(row.draw) ? ' (draw ' + row.draw.windowSeconds + ' s)' : ''));
      cell(tr, (row.closesAt ? new Date(row.closesAt).toLocaleString() : 'never')
        + (row.retiredAt ? ' (retired ' + new Date(row.retiredAt).toLocaleString() + ')' : ''));
      cell(tr, row.eligibility ? eligibilityText(row.eligibility) : 'everyone');
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'secondary';
      button.textContent = 'Watch';
      button.setAttribute('aria-label', 'Watch ' + row.eventId);
      button.setAttribute('aria-pressed', String(row.eventId === watched));
      button.dataset.watch = row.eventId;
      button.addEventListener('click', () => watch(row.eventId));
      const td = document.createElement('td');
      td.className = 'actions';
      td.appendChild(button);
      // Only while it takes applications: before its opening a closing now would come before it (refused),
      // and a closed event cannot change.
      if (!row.retiredAt && Date.parse(row.opensAt) <= at && !closedAt(row, at)) {
        const close = document.createElement('button');
        close.type = 'button';
        close.className = 'secondary';
        close.textContent = 'Close now';
        close.setAttribute('aria-label', 'Close ' + row.eventId + ' now');
        close.addEventListener('click', () => closeNow(row.eventId));
        td.appendChild(close);
      }
      tr.appendChild(td);
      body.appendChild(tr);
    }
    $('events').replaceChild(body, $('events').tBodies[0]);
    if (watched === null && rows.length > 0) watch(rows[0].eventId);
  }

  /** "tier is gold or vip" */
  function eligibilityText(rule) {
    const values = Array.isArray(rule.anyOf) ? rule.anyOf : [];
    const list = values.length <= 1 ? values.join('') : values.slice(0, -1).join(', ') + ' or ' + values[values.length - 1];
    return rule.claim + ' is ' + list;
  }

  /** Whether applications to the listed event have ended at {@code at}: its closing, or its coupons' expiry. */
  function closedAt(row, at) {
    return [row.closesAt, row.couponsValidUntil].some((instant) => instant && Date.parse(instant) <= at);
  }

  // --- during a drop: close now, change the limit ---------------------------------------------

  /**
   * Sends the event's definition as stored (the list's {@code definition}: every field, since a field
   * left out takes its default) with {@code change} applied. Asks the list again first, so a change
   * made meanwhile (another organiser, another tab) is not undone. Resolves to the route's answer, or
   * to a {@code message} when the event is not listed.
   */
  async function redefine(eventId, change) {
    const list = await call('GET', '/admin/events');
    if (list.status !== 200) return list;
    showEvents(list.body);
    const row = (list.body.events || []).find((r) => r.eventId === eventId);
    if (!row || !row.definition) {
      return { status: 0, body: { message: eventId + ' is not among the listed events' } };
    }
    const body = Object.assign({}, row.definition);
    change(body);
    return call('PUT', path('admin', 'events', eventId), body);
  }

  const ingressNow = () => new Date(Date.now() + clockOffset);

  async function closeNow(eventId) {
    if (!window.confirm('Close ' + eventId + ' now?\n\nApplications from now on hear "closed". '
      + 'The coupons already issued stay, and requests already accepted are still decided. A closed event cannot be reopened.')) {
      return;
    }
    watch(eventId);
    const result = $('manage-result');
    say(result, 'info', 'Closing ' + eventId + '…');
    try {
      const answer = await redefine(eventId, (body) => { body.closesAt = ingressNow().toISOString(); });
      if (answer.status === 200) {
        say(result, 'ok', 'Closed ' + eventId + ' at ' + new Date(answer.body.closesAt).toLocaleTimeString()
          + ': applications now hear "closed"; the coupons already issued stay.');
        await refreshList();
      } else if (answer.status !== 401) {
        say(result, 'bad', eventId + ' was not closed: ' + (answer.body.message || 'HTTP ' + answer.status) + '.');
      }
    } catch (e) {
      say(result, 'bad', 'No answer from the ingress: ' + eventId + ' may or may not be closed; the list shows its closing.');
    }
  }

  async function changeLimit(submitEvent) {
    submitEvent.preventDefault();
    const result = $('manage-result');
    const eventId = watched;
    const text = $('limit-input').value.trim();
    const limit = Number(text);
    if (eventId === null) return;
    if (text === '' || !Number.isInteger(limit) || limit < 1 || limit > 10000000) {
      say(result, 'bad', 'The limit must be a whole number from 1 to 10,000,000.');
      $('limit-input').focus();
      return;
    }
    const button = $('limit-submit');
    button.disabled = true;
    say(result, 'info', 'Changing the limit of ' + eventId + '…');
    try {
      const answer = await redefine(eventId, (body) => { body.limit = limit; });
      if (answer.status === 200) {
        // The processor never takes a coupon back: a limit under the coupons held only stops new ones.
        const held = lastStats && lastStats.eventId === eventId && lastStats.issued !== null && lastStats.issued !== undefined
          ? lastStats.issued - (lastStats.returned || 0) : null;
        say(result, held !== null && held > answer.body.limit ? 'warn' : 'ok', 'The limit of ' + eventId + ' is now '
          + count(answer.body.limit) + '.' + (held !== null && held > answer.body.limit
            ? ' That is below the ' + count(held) + ' coupons held now: none is taken back, and nobody gets a new one'
              + ' until returns bring the coupons held under ' + count(answer.body.limit) + '.'
            : ''));
        $('limit-input').value = '';
        await refreshList();
        pollStats();
      } else if (answer.status !== 401) {
        say(result, 'bad', 'The limit of ' + eventId + ' was not changed: ' + (answer.body.message || 'HTTP ' + answer.status) + '.');
      }
    } catch (e) {
      say(result, 'bad', 'No answer from the ingress: the limit may or may not have changed; the list shows the stored limit.');
    } finally {
      button.disabled = false;
    }
  }

  function cell(tr, text, numeric) {
    const td = document.createElement('td');
    td.textContent = String(text);
    if (numeric) td.className = 'num';
    tr.appendChild(td);
  }

  // --- the live view ---------------------------------------------------------------------------

  function watch(eventId) {
    if (watched !== eventId) {
      samples = [];
      lastStats = null;
      showGate(null);
      $('limit-input').value = '';
      if (!$('manage-result').textContent.includes(eventId)) say($('manage-result'), 'info', '');
    }
    watched = eventId;
    info = null;
    infoAt = 0;
    showDraw(null);
    $('live-event').textContent = eventId;
    $('live-section').hidden = false;
    for (const button of document.querySelectorAll('#events button[data-watch]')) {
      button.setAttribute('aria-pressed', String(button.dataset.watch === eventId));
    }
    clearTimeout(statsTimer);
    pollStats();
  }

  async function pollStats() {
    clearTimeout(statsTimer);
    if (!token || watched === null) return;
    const eventId = watched;
    try {
      const answer = await call('GET', path('admin', 'events', eventId, 'stats'));
      if (answer.status === 200 && eventId === watched) {
        await refreshInfo(eventId);
        if (eventId === watched) showStats(answer.body);
      }
      else if (answer.status === 404) $('live-note').textContent = 'This ingress does not know ' + eventId + '.';
    } catch (e) {
      $('live-note').textContent = 'No answer from the ingress; retrying.';
    }
    if (token && eventId === watched) statsTimer = setTimeout(pollStats, STATS_EVERY_MS);
  }

  function showStats(stats) {
    lastStats = stats;
    showGate(stats.retiredAt ? null : stats.gate);
    $('live-accepted').textContent = stats.accepted ?? '–';
    $('live-issued').textContent = stats.issued ?? '–';
    $('live-remaining').textContent = stats.remaining === null ? '–' : stats.remaining + ' of ' + stats.limit;
    $('live-redeemed').textContent = stats.redeemed ?? '–';
    $('live-returned').textContent = stats.returned ?? '–';
    $('live-waitlisted').textContent = stats.waitlisted === null || stats.waitlisted === undefined ? '–'
      : stats.waitlisted + (stats.waitlist > 0 ? ' of ' + stats.waitlist : '');
    const notes = [];
    if (stats.accepted === null) notes.push('the gate (Redis) does not answer');
    if (stats.issued === null) notes.push('the streams-processor does not answer');
    $('live-note').textContent = stats.retiredAt
      ? 'Retired ' + new Date(stats.retiredAt).toLocaleString() + ': its live figures are gone; the shop\'s records keep its coupons.'
      : (notes.length ? 'Partial figures: ' + notes.join('; ') + '.' : '');
    const d = stats.decided;
    $('decided').textContent = d ? 'Decided by the streams-processor: ' + d.issued + ' issued, ' + d.soldOut + ' sold out, '
      + d.duplicates + ' duplicates, ' + d.notOpen + ' not open, ' + d.closed + ' closed.' : '';

    showDraw(stats);

    const t = Date.parse(stats.at);
    const previous = samples[samples.length - 1];
    samples.push({ t, answers: stats.answers || {} });
    while (samples.length > 0 && samples[0].t < t - CHART_SECONDS * 1000) samples.shift();
    showRates(stats.answers || {}, previous && t > previous.t ? rates(previous, samples[samples.length - 1]) : {});
    drawChart();
  }

  // --- the gate against the authority ---------------------------------------------------------

  /**
   * The ingress says {@code agrees: false} once the gate's count has differed from the authority's
   * (live coupons, waiting users, entrants not drawn yet) with nothing pending for a few seconds
   * (docs/operations.md, "The admin page during a drop"); while it agrees, nothing shows.
   */
  function showGate(gate) {
    const warning = $('live-gate-warning');
    if (!gate || gate.agrees !== false) {
      if (warning.textContent !== '') warning.textContent = '';
      return;
    }
    const difference = gate.count - gate.authority;
    const text = 'The gate and the authority disagree since ' + new Date(gate.since).toLocaleTimeString()
      + ': the gate (Redis) counts ' + count(gate.count) + (gate.count === 1 ? ' place' : ' places')
      + ', the streams-processor ' + count(gate.authority) + ' (coupons held, users waiting, entrants), and nothing is pending. '
      + (difference > 0
        ? 'Shoppers may hear "sold out" while coupons are left. '
        : 'More shoppers pass the gate than there are coupons; the streams-processor still refuses them. ')
      + 'Run make audit, which names every difference (docs/operations.md).';
    if (warning.textContent !== text) warning.textContent = text;
  }

  // --- the draw -------------------------------------------------------------------------------

  const hasDraw = (draw) => Boolean(draw && draw.windowSeconds > 0);
  const count = (n) => NUMBERS.format(n);

  /**
   * The public info carries the draw's commitment from the start and its seed once drawn. Asked for
   * every poll while the watched event's draw is not revealed yet, else every INFO_EVERY_MS. Without
   * the admin token: it is a shopper's route.
   */
  async function refreshInfo(eventId) {
    const draw = info && info.draw;
    const waitingForTheSeed = hasDraw(draw) && !draw.seed;
    if (!waitingForTheSeed && Date.now() - infoAt < INFO_EVERY_MS) return;
    infoAt = Date.now();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
    try {
      const response = await fetch(path('events', eventId), {
        headers: { Accept: 'application/json' }, cache: 'no-store', signal: controller.signal,
      });
      if (response.ok && eventId === watched) info = await response.json();
    } catch (e) {
      // keep what we had; the next poll asks again
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * One value of the draw, from the first source that has it: the admin stats' own draw block (when
   * the route carries one), the processor's tally in the stats ({@code decided.draw}: the entrants
   * live), then the public info.
   */
  function drawValue(stats, key) {
    for (const source of [stats && stats.draw, stats && stats.decided && stats.decided.draw, info && info.draw]) {
      if (source && source[key] !== undefined && source[key] !== null) return source[key];
    }
    return undefined;
  }

  /** The live view's draw: hidden for an event without one; {@code stats} null clears it. */
  function showDraw(stats) {
    const windowSeconds = stats ? drawValue(stats, 'windowSeconds') : undefined;
    const entrants = stats ? drawValue(stats, 'entrants') : undefined;
    const any = windowSeconds > 0 || entrants !== undefined || (stats && drawValue(stats, 'commitment') !== undefined);
    $('live-draw').hidden = !any;
    if (!any) {
      for (const id of ['live-draw-entrants', 'live-draw-cap', 'live-draw-ends', 'live-draw-drawn-at', 'live-draw-winners',
        'live-draw-waitlisted', 'live-draw-not-drawn', 'live-draw-commitment', 'live-draw-seed']) $(id).textContent = '–';
      $('live-draw-status').textContent = '';
      return;
    }
    const cap = drawValue(stats, 'cap');
    const endsAt = drawValue(stats, 'endsAt')
      || (windowSeconds > 0 ? new Date(Date.parse(stats.opensAt) + 1000 * windowSeconds).toISOString() : undefined);
    const drawnAt = drawValue(stats, 'drawnAt');
    const seed = drawValue(stats, 'seed');
    $('live-draw-entrants').textContent = entrants === undefined ? '–' : count(entrants);
    $('live-draw-cap').textContent = cap === undefined ? '–' : count(cap);
    $('live-draw-ends').textContent = endsAt ? new Date(endsAt).toLocaleString() : '–';
    $('live-draw-drawn-at').textContent = drawnAt ? new Date(drawnAt).toLocaleString() : 'not yet';
    $('live-draw-commitment').textContent = drawValue(stats, 'commitment') || '–';
    $('live-draw-seed').textContent = seed || (drawnAt ? 'drawn; the public info reveals it shortly' : 'secret until the draw');
    if (!drawnAt || entrants === undefined) {
      for (const id of ['live-draw-winners', 'live-draw-waitlisted', 'live-draw-not-drawn']) $(id).textContent = '–';
      $('live-draw-status').textContent = '';
      return;
    }
    // Nothing is handed out before the draw (the window starts at the opening), so the draw gives
    // coupons to the first min(limit, entrants) and the waitlist to the next ones, up to its size.
    const winners = drawValue(stats, 'issuedUpTo') ? Math.min(stats.limit, entrants) : 0;
    const waitlisted = drawValue(stats, 'waitlistUpTo') ? Math.min(stats.waitlist || 0, entrants - winners) : 0;
    const notDrawn = entrants - winners - waitlisted;
    $('live-draw-winners').textContent = count(winners);
    $('live-draw-waitlisted').textContent = count(waitlisted);
    $('live-draw-not-drawn').textContent = count(notDrawn);
    const status = 'Drawn at ' + new Date(drawnAt).toLocaleTimeString() + ' among ' + count(entrants)
      + (entrants === 1 ? ' entrant: ' : ' entrants: ') + count(winners) + (winners === 1 ? ' winner, ' : ' winners, ')
      + count(waitlisted) + ' waitlisted, ' + count(notDrawn) + ' not drawn.';
    if ($('live-draw-status').textContent !== status) $('live-draw-status').textContent = status;
  }

  function rates(before, after) {
    const seconds = (after.t - before.t) / 1000;
    const result = {};
    for (const [outcome, total] of Object.entries(after.answers)) {
      result[outcome] = Math.max(0, (total - (before.answers[outcome] || 0)) / seconds);
    }
    return result;
  }

  function showRates(totals, perSecond) {
    const body = document.createElement('tbody');
    const outcomes = Object.keys(totals).sort();
    if (outcomes.length === 0) {
      const tr = document.createElement('tr');
      cell(tr, 'No application yet');
      cell(tr, '', true);
      cell(tr, '', true);
      body.appendChild(tr);
    }
    for (const outcome of outcomes) {
      const tr = document.createElement('tr');
      const name = document.createElement('td');
      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.style.background = colour(outcome);
      name.appendChild(swatch);
      name.appendChild(document.createTextNode(WORDS[outcome] || outcome));
      tr.appendChild(name);
      cell(tr, perSecond[outcome] === undefined ? '–' : perSecond[outcome].toFixed(1), true);
      cell(tr, totals[outcome], true);
      body.appendChild(tr);
    }
    $('rates').replaceChild(body, $('rates').tBodies[0]);
  }

  function colour(outcome) {
    if (COLOURS[outcome]) return COLOURS[outcome];
    let h = 0;
    for (const c of outcome) h = (h * 31 + c.charCodeAt(0)) % 360;
    return 'hsl(' + h + ', 60%, 40%)';
  }

  const SVG = 'http://www.w3.org/2000/svg';
  function svg(name, attributes, text) {
    const element = document.createElementNS(SVG, name);
    for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
    if (text !== undefined) element.textContent = text;
    return element;
  }

  /** One line per outcome: answers per second between successive samples, over the last two minutes. */
  function drawChart() {
    const chart = $('chart');
    const width = 600, height = 200, left = 44, right = 8, top = 10, bottom = 22;
    const points = [];
    for (let i = 1; i < samples.length; i++) {
      points.push({ t: samples[i].t, rates: rates(samples[i - 1], samples[i]) });
    }
    const outcomes = [...new Set(points.flatMap((p) => Object.keys(p.rates)))].sort();
    let max = 1;
    for (const p of points) for (const r of Object.values(p.rates)) max = Math.max(max, r);
    max = niceCeiling(max);
    const end = samples.length ? samples[samples.length - 1].t : Date.now();
    const x = (t) => left + (width - left - right) * (1 - (end - t) / (CHART_SECONDS * 1000));
    const y = (r) => top + (height - top - bottom) * (1 - r / max);

    chart.replaceChildren();
    for (const fraction of [0, 0.5, 1]) {
      const value = max * fraction;
      chart.appendChild(svg('line', { class: 'axis', x1: left, x2: width - right, y1: y(value), y2: y(value) }));
      chart.appendChild(svg('text', { x: left - 6, y: y(value) + 4, 'text-anchor': 'end' }, formatRate(value)));
    }
    chart.appendChild(svg('text', { x: left, y: height - 6 }, '−' + CHART_SECONDS + ' s'));
    chart.appendChild(svg('text', { x: width - right, y: height - 6, 'text-anchor': 'end' }, 'now'));
    for (const outcome of outcomes) {
      const coordinates = points.map((p) => x(p.t).toFixed(1) + ',' + y(p.rates[outcome] || 0).toFixed(1)).join(' ');
      chart.appendChild(svg('polyline', { points: coordinates, stroke: colour(outcome) }));
      const last = points[points.length - 1];
      chart.appendChild(svg('circle', { cx: x(last.t), cy: y(last.rates[outcome] || 0), r: 3, fill: colour(outcome) }));
    }
    const latest = points.length ? points[points.length - 1].rates : {};
    chart.setAttribute('aria-label', outcomes.length === 0 ? 'No applications in the last two minutes.'
      : 'Latest answers per second: ' + outcomes.map((o) => (WORDS[o] || o) + ' ' + (latest[o] || 0).toFixed(1)).join(', ') + '.');

    const legend = $('legend');
    legend.replaceChildren();
    for (const outcome of outcomes) {
      const item = document.createElement('li');
      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.style.background = colour(outcome);
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(WORDS[outcome] || outcome));
      legend.appendChild(item);
    }
  }

  function niceCeiling(value) {
    const magnitude = Math.pow(10, Math.floor(Math.log10(value)));
    for (const step of [1, 2, 5, 10]) if (value <= step * magnitude) return step * magnitude;
    return 10 * magnitude;
  }

  function formatRate(value) {
    return value >= 1000 ? (value / 1000).toFixed(value >= 10000 ? 0 : 1) + 'k' : String(Math.round(value * 10) / 10);
  }

  $('token-form').addEventListener('submit', unlock);
  $('define-form').addEventListener('submit', define);
  $('limit-form').addEventListener('submit', changeLimit);
})();
