-- wrk script: POST /events/<event>/applications with a new userId on every request.
--   wrk -s apply.lua http://host:port -- <eventId> <userPrefix>
-- Prints one line "statuses 202=.. 409=.. 410=.. 503=.. other=.." after the run.

local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  path = "/events/" .. (args[1] or "bench") .. "/applications"
  prefix = (args[2] or "u") .. "-" .. id .. "-"
  headers = { ["Content-Type"] = "application/json" }
  s202, s409, s410, s503, sother = 0, 0, 0, 0, 0
end

function request()
  counter = counter + 1
  return wrk.format("POST", path, headers, '{"userId":"' .. prefix .. counter .. '"}')
end

function response(status, _, _)
  if status == 202 then s202 = s202 + 1
  elseif status == 409 then s409 = s409 + 1
  elseif status == 410 then s410 = s410 + 1
  elseif status == 503 then s503 = s503 + 1
  else sother = sother + 1 end
end

function done(summary, latency, requests)
  local t = { s202 = 0, s409 = 0, s410 = 0, s503 = 0, sother = 0 }
  for _, thread in ipairs(threads) do
    for key, _ in pairs(t) do t[key] = t[key] + thread:get(key) end
  end
  io.write(string.format("statuses 202=%d 409=%d 410=%d 503=%d other=%d\n", t.s202, t.s409, t.s410, t.s503, t.sother))
end
