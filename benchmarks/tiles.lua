-- wrk script: cycles through the paths listed in a file (one per line; the file's name after
-- "--" on wrk's command line), for a peer that needs many requests (tiles) to draw one view.
-- Reports like report.lua.
local here = debug.getinfo(1, "S").source:match("@(.*/)") or "./"
dofile(here .. "report.lua")

local paths = {}
local counter = 0

init = function(args)
  for line in io.lines(args[1]) do
    if #line > 0 then table.insert(paths, line) end
  end
end

request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end
