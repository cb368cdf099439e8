-- KEYS users, count, releases, pending, returned, entrants, notdrawn; ARGV expireAt (epoch ms of the event's
-- retirement; '' = never), then triples userId, requestId, effect ('free' | 'hold' | 'return' | 'enter' |
-- 'undrawn' | '').
-- Applies the streams-processor's decisions of one event; each step is idempotent and safe late:
--   the user's pending request is this one   -> forget it (the request is decided);
--   'enter' (IN_DRAW)                         -> the user keeps the place and becomes an entrant of the
--                                               draw (HSET entrants user request); a user not in the set
--                                               is learned (SADD, INCR count); nothing when this request
--                                               was drawn out already (notdrawn names it: a late or
--                                               repeated IN_DRAW) or is neither pending nor new to the
--                                               set (read again after its draw's decision);
--   any other decision of the request the     -> the entry goes (the draw decided it);
--   user's entry names
--   'free' or 'undrawn', and the pending      -> give the place back (SREM, DECR count, INCR releases),
--   request or the entry was this one            never the place of a newer request of the same user;
--   'undrawn' (NOT_DRAWN)                     -> remember the request as drawn out (HSET notdrawn);
--   'hold' and the user is not in the set     -> learn the holder or waiting user (SADD, INCR count);
--   'return' and the user not yet returned    -> remember the return (SADD returned), keep the user
--                                               applied (SADD users) and, if they held a place, give
--                                               it back (DECR count, INCR releases): once per user,
--                                               however often the return is applied; a pending
--                                               request of the user is decided by now (HDEL).
-- Replies {-1, 0, 0, 0, 0} without touching anything when the count is missing (lost state: the
-- rebuild restores it), else {0, settled, freed, learned, returned}.
if redis.call('EXISTS', KEYS[2]) == 0 then
  return {-1, 0, 0, 0, 0}
end
local settled, freed, learned, returned = 0, 0, 0, 0
local wrote = false
for i = 2, #ARGV, 3 do
  local user, request, effect = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local pending = redis.call('HGET', KEYS[4], user)
  local mine = pending and cjson.decode(pending)['requestId'] == request
  if mine then
    redis.call('HDEL', KEYS[4], user)
    settled = settled + 1
  end
  if effect == 'enter' then
    if redis.call('HGET', KEYS[7], user) ~= request then
      if mine then
        redis.call('HSET', KEYS[6], user, request)
        wrote = true
      elseif redis.call('SADD', KEYS[1], user) == 1 then
        redis.call('INCR', KEYS[2])
        redis.call('HSET', KEYS[6], user, request)
        learned = learned + 1
        wrote = true
      end
    end
  else
    local entered = redis.call('HGET', KEYS[6], user) == request
    if entered then
      redis.call('HDEL', KEYS[6], user)
    end
    if effect == 'free' or effect == 'undrawn' then
      if (mine or entered) and redis.call('SREM', KEYS[1], user) == 1 then
        redis.call('DECR', KEYS[2])
        redis.call('INCR', KEYS[3])
        freed = freed + 1
      end
      if effect == 'undrawn' then
        redis.call('HSET', KEYS[7], user, request)
        wrote = true
      end
    elseif effect == 'hold' then
      if redis.call('SADD', KEYS[1], user) == 1 then
        redis.call('INCR', KEYS[2])
        learned = learned + 1
      end
    elseif effect == 'return' then
      if redis.call('SADD', KEYS[5], user) == 1 then
        if pending and redis.call('HDEL', KEYS[4], user) == 1 then
          settled = settled + 1
        end
        -- SADD answers 0 when the user was in the set: they held a place, which goes back.
        if redis.call('SADD', KEYS[1], user) == 0 then
          redis.call('DECR', KEYS[2])
          redis.call('INCR', KEYS[3])
        end
        returned = returned + 1
      end
    end
  end
end
if (freed > 0 or learned > 0 or returned > 0 or wrote) and ARGV[1] ~= '' then
  -- INCR may have created the releases counter, SADD the sets, HSET the hashes: they retire with the event.
  for i = 1, #KEYS do
    redis.call('PEXPIREAT', KEYS[i], ARGV[1])
  end
end
return {0, settled, freed, learned, returned}
