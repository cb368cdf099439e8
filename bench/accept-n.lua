-- wrk script: exactly N applications from distinct users, then stop (make bench's accept phases).
--   wrk -t1 -c<connections> -d<bound> -s accept-n.lua http://host:port -- <eventId> <userPrefix> <N>
-- One wrk thread (-t1): the count is the thread's own. wrk asks delay() before every request, the
-- first of each connection included, so delay() hands out exactly N sends and holds every further
-- one back; once N answers are in, the script interrupts wrk (SIGINT, as Ctrl-C: it prints its
-- summary and done()'s line, "answered <n> 202=.. 409=.. 410=.. 503=.. other=..", and exits)
-- instead of letting it sleep out -d. -d is only the bound for answers that never come.

local ffi = require("ffi")
ffi.cdef("int getpid(void); int kill(int pid, int sig);")

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  path = "/events/" .. args[1] .. "/applications"
  prefix = args[2] .. "-"
  n = tonumber(args[3])
  headers = { ["Content-Type"] = "application/json" }
  -- wrk calls request() once before the run to check the script; that call sends nothing
  -- (user 0 is never sent), so the N sent are users 1..N.
  sent, granted, answered = -1, 0, 0
  s202, s409, s410, s503, sother = 0, 0, 0, 0, 0
end

function delay()
  if granted >= n then
    return 3600000
  end
  granted = granted + 1
  return 0
end

function request()
  sent = sent + 1
  return wrk.format("POST", path, headers, '{"userId":"' .. prefix .. sent .. '"}')
end

function response(status, _, _)
  answered = answered + 1
  if status == 202 then s202 = s202 + 1
  elseif status == 409 then s409 = s409 + 1
  elseif status == 410 then s410 = s410 + 1
  elseif status == 503 then s503 = s503 + 1
  else sother = sother + 1 end
  if answered == n then
    ffi.C.kill(ffi.C.getpid(), 2)
  end
end

function done(_, _, _)
  local t = { answered = 0, s202 = 0, s409 = 0, s410 = 0, s503 = 0, sother = 0 }
  for _, thread in ipairs(threads) do
    for key, _ in pairs(t) do t[key] = t[key] + thread:get(key) end
  end
  io.write(string.format("answered %d 202=%d 409=%d 410=%d 503=%d other=%d\n",
    t.answered, t.s202, t.s409, t.s410, t.s503, t.sother))
end
