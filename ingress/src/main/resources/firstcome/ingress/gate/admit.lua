-- KEYS users, count, releases, pending (further keys unused); ARGV userId, capacity (limit + waitlist, or inside
-- a draw window the draw's cap), request ('' = none), expireAt (epoch ms of the event's retirement; '' or
-- absent = never). A user in the set (a returned one too) is already applied.
-- Replies {0, position} | {1, 0} already applied | {2, generation} sold out | {3, 0} the count is
-- missing: Redis lost the event's state, which the ingress rebuilds before anyone passes again.
if redis.call('EXISTS', KEYS[2]) == 0 then
  return {3, 0}
end
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then
  return {1, 0}
end
local count = tonumber(redis.call('GET', KEYS[2]))
if count >= tonumber(ARGV[2]) then
  return {2, tonumber(redis.call('GET', KEYS[3]) or '0')}
end
redis.call('SADD', KEYS[1], ARGV[1])
if ARGV[3] ~= '' then
  redis.call('HSET', KEYS[4], ARGV[1], ARGV[3])
end
local position = redis.call('INCR', KEYS[2])
-- The set and the hash may have just been created (a hash is deleted whenever it empties): every
-- key written carries the event's retirement instant.
local expireAt = ARGV[4]
if expireAt and expireAt ~= '' then
  redis.call('PEXPIREAT', KEYS[1], expireAt)
  redis.call('PEXPIREAT', KEYS[2], expireAt)
  redis.call('PEXPIREAT', KEYS[4], expireAt)
end
return {0, position}
