-- KEYS users, count, releases, pending, returned; ARGV expireAt (epoch ms of the event's retirement;
-- '' = never), userCount, users..., returnedCount, returned..., then pairs userId, request.
-- Rebuilds an event after Redis lost its state: the users the streams-processor named as taking a
-- place (live coupon holders and waiting users), the users who returned their coupon (applied, no
-- place), and this ingress's own undecided requests (pending again, with their places); count = the
-- users minus the returned ones, and a new release generation so no sold-out copy taken before
-- survives. Safe to run twice, and on an event rebuilt meanwhile: a return applied since stays applied.
local i = 3
local users = tonumber(ARGV[2])
for j = i, i + users - 1 do
  redis.call('SADD', KEYS[1], ARGV[j])
end
i = i + users
local returned = tonumber(ARGV[i])
i = i + 1
for j = i, i + returned - 1 do
  redis.call('SADD', KEYS[1], ARGV[j])
  redis.call('SADD', KEYS[5], ARGV[j])
end
i = i + returned
for j = i, #ARGV, 2 do
  -- A user who returned their coupon cannot apply again: no request of theirs waits.
  if redis.call('SISMEMBER', KEYS[5], ARGV[j]) == 0 then
    -- HSETNX: a newer request of the user, admitted since another ingress restored, stays the pending one.
    redis.call('SADD', KEYS[1], ARGV[j])
    redis.call('HSETNX', KEYS[4], ARGV[j], ARGV[j + 1])
  end
end
local count = redis.call('SCARD', KEYS[1]) - redis.call('SCARD', KEYS[5])
redis.call('SET', KEYS[2], count)
redis.call('INCR', KEYS[3])
if ARGV[1] ~= '' then
  for k = 1, 5 do
    redis.call('PEXPIREAT', KEYS[k], ARGV[1])
  end
end
return count
