-- (c) The hashed CSS and JS a plan page loads, served by WhiteNoise.
local load = dofile("common.lua")
setup = load.setup
local i = 0

request = function()
  i = i + 1
  return wrk.format("GET", load.static[i % #load.static + 1])
end

done = function(summary, latency, requests) load.done(summary, latency) end
