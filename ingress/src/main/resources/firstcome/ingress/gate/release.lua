if redis.call('SREM', KEYS[1], ARGV[1]) == 1 then
  redis.call('DECR', KEYS[2])
  redis.call('INCR', KEYS[3])
  redis.call('HDEL', KEYS[4], ARGV[1])
  return 1
end
return 0
