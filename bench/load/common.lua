-- Shared by the wrk scripts in this folder (run.py starts wrk with this folder as
-- its working directory): the headers every request carries, the plan questions,
-- and the one-line JSON summary run.py reads.
local M = {}

-- The app runs with SECURE on, as in production: behind the TLS-terminating proxy
-- it trusts X-Forwarded-Proto (gunicorn's forwarded_allow_ips is 127.0.0.1).
wrk.headers["X-Forwarded-Proto"] = "https"
wrk.headers["Accept-Encoding"] = "gzip, br"

local function words(name)
  local out = {}
  for item in string.gmatch(os.getenv(name) or "", "%S+") do
    out[#out + 1] = item
  end
  return out
end

M.cached = words("LOAD_CACHED_PATHS") -- pre-warmed plan pages
M.static = words("LOAD_STATIC_PATHS") -- hashed CSS and JS from the manifest
M.salt = tonumber(os.getenv("LOAD_SALT") or "0")
M.budget = os.getenv("LOAD_BUDGET") -- nil: the solver's default budget
-- One town, one day, hike lengths a metre or two apart: every question is still
-- new, but all need the same region graph (the rate-limit check asks for many).
M.one_region = os.getenv("LOAD_ONE_REGION") == "1"

local TOWNS = {
  "Andorra+la+Vella", "les+Escaldes", "Encamp", "Canillo", "Ordino", "la+Massana",
  "Sant+Juli%C3%A0+de+L%C3%B2ria",
}

-- Question n, never asked before in this run: the hike length alone is unique for
-- n < 9000 (6 to 14.999 miles); town and days vary too. Even n ask the API, odd n
-- the plan page.
function M.fresh(n)
  local town = TOWNS[n % #TOWNS + 1]
  local days = 1 + math.floor(n / 7) % 3
  -- at least 4 miles a day: the form refuses days shorter than 5 km
  local hike = string.format("%.3f", 4 * days + n % 9 + (math.floor(n / 9) % 1000) / 1000)
  if M.one_region then
    town, days, hike = TOWNS[1], 1, string.format("%.3f", 10 + (n % 9000) / 1000)
  end
  local budget = M.budget and ("&budget=" .. M.budget) or ""
  if n % 2 == 0 then
    return "/api/plan?place=" .. town .. "&drive_miles=20&hike_miles=" .. hike
      .. "&days=" .. days .. budget
  end
  return "/plan?start=" .. town .. "&drive=20&hike=" .. hike .. "&days=" .. days
    .. "&units=mi&tolerance=10&stems=yes&difficulty=" .. budget
end

local threads = {}

function M.setup(thread)
  thread:set("thread_index", #threads)
  threads[#threads + 1] = thread
end

-- Each thread numbers its own requests; threads take disjoint ranges of n.
function M.next_n()
  counter = (counter or 0) + 1
  return M.salt + thread_index * 1000 + counter
end

-- Print wrk's own figures (latencies in microseconds) plus any per-thread counters.
function M.done(summary, latency, counters)
  local e = summary.errors
  local extra = ""
  for _, name in ipairs(counters or {}) do
    local total = 0
    for _, t in ipairs(threads) do
      total = total + (t:get(name) or 0)
    end
    extra = extra .. string.format(',"%s":%d', name, total)
  end
  io.write(string.format(
    'LOADJSON {"requests":%d,"duration_us":%d,"bytes":%d,"connect":%d,"read":%d,'
      .. '"write":%d,"status":%d,"timeout":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,'
      .. '"max_us":%d%s}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write,
    e.status, e.timeout, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, extra))
end

return M
