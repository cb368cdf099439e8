-- KEYS users, count, releases, pending, returned, entrants, notdrawn; ARGV expireAt (epoch ms of the event's
-- retirement; '' = never), userCount, users..., returnedCount, returned..., entrantCount, pairs userId,
-- requestId..., then pairs userId, request.
-- Rebuilds an event after Redis lost its state: the users the streams-processor named as taking a
-- place (live coupon holders, waiting users and entrants of a draw not done yet), the entrants with
-- the request that made them one (their place goes when that request is not drawn), the users who
-- returned their coupon (applied, no place), and this ingress's own undecided requests (pending again,
-- with their places); count = the users minus the returned ones, and a new release generation so no
-- sold-out copy taken before survives. Safe to run twice, and on an event rebuilt meanwhile: a return
-- applied since stays applied, an entrant drawn out since (notdrawn names the request) stays out.
local i = 3
local users = tonumber(ARGV[2])
local userStart = i
i = i + users
local returned = tonumber(ARGV[i])
i = i + 1
local returnedStart = i
i = i + returned
local entrants = tonumber(ARGV[i])
i = i + 1
local drawnOut = {}
for j = i, i + 2 * entrants - 1, 2 do
  if redis.call('HGET', KEYS[7], ARGV[j]) == ARGV[j + 1] then
    drawnOut[ARGV[j]] = true
  else
    redis.call('SADD', KEYS[1], ARGV[j])
    redis.call('HSET', KEYS[6], ARGV[j], ARGV[j + 1])
  end
end
local undecidedStart = i + 2 * entrants
for j = userStart, userStart + users - 1 do
  if not drawnOut[ARGV[j]] then
    redis.call('SADD', KEYS[1], ARGV[j])
  end
end
for j = returnedStart, returnedStart + returned - 1 do
  redis.call('SADD', KEYS[1], ARGV[j])
  redis.call('SADD', KEYS[5], ARGV[j])
end
for j = undecidedStart, #ARGV, 2 do
  -- A user who returned their coupon cannot apply again: no request of theirs waits. A request drawn
  -- out since another ingress restored is decided: it takes no place.
  if redis.call('SISMEMBER', KEYS[5], ARGV[j]) == 0
      and redis.call('HGET', KEYS[7], ARGV[j]) ~= cjson.decode(ARGV[j + 1])['requestId'] then
    -- HSETNX: a newer request of the user, admitted since another ingress restored, stays the pending one.
    redis.call('SADD', KEYS[1], ARGV[j])
    redis.call('HSETNX', KEYS[4], ARGV[j], ARGV[j + 1])
  end
end
local count = redis.call('SCARD', KEYS[1]) - redis.call('SCARD', KEYS[5])
redis.call('SET', KEYS[2], count)
redis.call('INCR', KEYS[3])
if ARGV[1] ~= '' then
  for k = 1, #KEYS do
    redis.call('PEXPIREAT', KEYS[k], ARGV[1])
  end
end
return count
