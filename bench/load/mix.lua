-- (d) A day a forum links to a plan: of every 10 requests, 7 for the shared plan
-- pages, 2 for static files, 1 a fresh question.
local load = dofile("common.lua")
setup = load.setup
local i = 0

request = function()
  i = i + 1
  local slot = i % 10
  if slot < 7 then
    return wrk.format("GET", load.cached[i % #load.cached + 1])
  elseif slot < 9 then
    return wrk.format("GET", load.static[i % #load.static + 1])
  end
  return wrk.format("GET", load.fresh(load.next_n()))
end

done = function(summary, latency, requests) load.done(summary, latency) end
