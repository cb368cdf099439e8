local pending = redis.call('HGET', KEYS[1], ARGV[1])
if pending and cjson.decode(pending)['requestId'] == ARGV[2] then
  return redis.call('HDEL', KEYS[1], ARGV[1])
end
return 0
