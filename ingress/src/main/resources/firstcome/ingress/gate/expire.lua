-- KEYS every key of the event (users, count, releases, pending, returned, entrants, notdrawn); ARGV expireAt (epoch ms of the event's retirement; '' = never).
-- Moves the expiry of the event's keys that exist: to its retirement instant, or none at all when
-- the event no longer closes. Replies how many keys it touched.
local touched = 0
for i = 1, #KEYS do
  if ARGV[1] == '' then
    touched = touched + redis.call('PERSIST', KEYS[i])
  else
    touched = touched + redis.call('PEXPIREAT', KEYS[i], ARGV[1])
  end
end
return touched
