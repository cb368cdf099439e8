-- KEYS users, count, releases, pending; ARGV userId, limit, request ('' = none).
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
return {0, redis.call('INCR', KEYS[2])}
