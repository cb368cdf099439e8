-- wrk script: each connection is a shopper polling its status every 400 ms, as the event page does.
--   wrk -s poll.lua http://host:port -- <eventId>
local counter = 0
function init(args)
  event = args[1] or "bench"
end
function request()
  counter = counter + 1
  return wrk.format("GET", "/events/" .. event .. "/applications/poller-" .. counter)
end
function delay()
  return 400
end
