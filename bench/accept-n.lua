-- wrk script: exactly N applications from distinct users, then stop (make bench's accept phases).
--   wrk -t1 -c<connections> -d<bound> -s accept-n.lua http://host:port -- <eventId> <userPrefix> <N> [<gap ms> <connections>]
-- With a gap, each connection waits that long before each of its requests (a paced load: about
-- connections / (gap + latency) a second), the connections' first requests spread over one gap
-- rather than all at once; without one, a closed loop.
-- One wrk thread (-t1): the count is the thread's own. wrk asks delay() before every request, the
-- first of each connection included, so delay() hands out exactly N sends and holds every further
-- one back; once N answers are in, the script interrupts wrk (SIGINT, as Ctrl-C: it prints its
-- summary and done()'s line, "answered <n> <status>=<count> ..." per status seen, and exits)
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
  gap = tonumber(args[4] or "0")
  connections = tonumber(args[5] or "1")
  headers = { ["Content-Type"] = "application/json" }
  -- wrk calls request() once before the run to check the script; that call sends nothing
  -- (user 0 is never sent), so the N sent are users 1..N.
  sent, granted, answered = -1, 0, 0
  statuses = {}
end

function delay()
  if granted >= n then
    return 3600000
  end
  granted = granted + 1
  if gap > 0 and granted <= connections then
    return math.floor(gap * (granted - 1) / connections)
  end
  return gap
end

function request()
  sent = sent + 1
  -- After a socket error wrk reconnects and sends without asking delay(): such a send past N
  -- repeats user 1, which the ingress refuses (409 ALREADY_APPLIED, or 410 once sold out),
  -- changing nothing.
  local user = sent <= n and sent or 1
  return wrk.format("POST", path, headers, '{"userId":"' .. prefix .. user .. '"}')
end

function response(status, _, _)
  answered = answered + 1
  statuses[status] = (statuses[status] or 0) + 1
  if answered == n then
    ffi.C.kill(ffi.C.getpid(), 2)
  end
end

function done(_, _, _)
  local thread = threads[1] -- -t1: the one thread holds every count
  local counts = thread:get("statuses")
  local codes = {}
  for code, _ in pairs(counts) do table.insert(codes, code) end
  table.sort(codes)
  local line = "answered " .. thread:get("answered")
  for _, code in ipairs(codes) do line = line .. " " .. code .. "=" .. counts[code] end
  io.write(line .. "\n")
end
