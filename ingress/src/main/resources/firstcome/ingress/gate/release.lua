-- KEYS users, count, releases, pending (further keys unused); ARGV userId, expireAt (epoch ms of the event's retirement;
-- '' = never). The count only drops if this user held a slot.
if redis.call('SREM', KEYS[1], ARGV[1]) == 1 then
  redis.call('DECR', KEYS[2])
  redis.call('INCR', KEYS[3])
  redis.call('HDEL', KEYS[4], ARGV[1])
  if ARGV[2] ~= '' then
    for i = 1, 3 do
      redis.call('PEXPIREAT', KEYS[i], ARGV[2])
    end
  end
  return 1
end
return 0
