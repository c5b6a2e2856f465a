-- (a) The same few plan pages, answered before the run: what a link shared on a
-- forum costs.
local load = dofile("common.lua")
setup = load.setup
local i = 0

request = function()
  i = i + 1
  return wrk.format("GET", load.cached[i % #load.cached + 1])
end

done = function(summary, latency, requests) load.done(summary, latency) end
