-- KEYS users, count, releases, pending; ARGV expireAt (epoch ms of the event's retirement; '' = never),
-- holderCount, holders..., then pairs userId, request.
-- Rebuilds an event after Redis lost its state: the coupon holders the streams-processor named and
-- this ingress's own undecided requests (pending again, with their places), count = SCARD, and a
-- new release generation so no sold-out copy taken before survives. Safe to run twice.
local holders = tonumber(ARGV[2])
for i = 3, holders + 2 do
  redis.call('SADD', KEYS[1], ARGV[i])
end
for i = holders + 3, #ARGV, 2 do
  -- HSETNX: a newer request of the user, admitted since another ingress restored, stays the pending one.
  redis.call('SADD', KEYS[1], ARGV[i])
  redis.call('HSETNX', KEYS[4], ARGV[i], ARGV[i + 1])
end
local count = redis.call('SCARD', KEYS[1])
redis.call('SET', KEYS[2], count)
redis.call('INCR', KEYS[3])
if ARGV[1] ~= '' then
  for i = 1, 4 do
    redis.call('PEXPIREAT', KEYS[i], ARGV[1])
  end
end
return count
