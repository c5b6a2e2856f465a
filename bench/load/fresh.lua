-- (b) Every request a question nobody asked before: the plan cache misses and the
-- solver runs (half the JSON API, half the plan page).
local load = dofile("common.lua")
setup = load.setup

request = function()
  return wrk.format("GET", load.fresh(load.next_n()))
end

done = function(summary, latency, requests) load.done(summary, latency) end
