if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then
  return {1, 0}
end
local count = tonumber(redis.call('GET', KEYS[2]) or '0')
if count >= tonumber(ARGV[2]) then
  return {2, tonumber(redis.call('GET', KEYS[3]) or '0')}
end
redis.call('SADD', KEYS[1], ARGV[1])
if ARGV[3] ~= '' then
  redis.call('HSET', KEYS[4], ARGV[1], ARGV[3])
end
return {0, redis.call('INCR', KEYS[2])}
