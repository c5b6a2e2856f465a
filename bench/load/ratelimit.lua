-- One client asking for fresh plans as fast as it can, with the default rate limit:
-- the first PLAN_RATE_LIMIT plans of the window are answered, the rest get a 429
-- with Retry-After. (Bounded by wrk's duration: stopping a wrk thread early leaves
-- a connection open that ties up a sync worker until its timeout.)
local load = dofile("common.lua")
setup = load.setup
answered, ok, limited, retry_after, other = 0, 0, 0, 0, 0

request = function()
  return wrk.format("GET", load.fresh(load.next_n()))
end

response = function(status, headers, body)
  answered = answered + 1
  if status == 200 then
    ok = ok + 1
  elseif status == 429 then
    limited = limited + 1
    if headers["Retry-After"] then
      retry_after = retry_after + 1
    end
  else
    other = other + 1
  end
end

done = function(summary, latency, requests)
  load.done(summary, latency, {"answered", "ok", "limited", "retry_after", "other"})
end
