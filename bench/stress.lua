-- wrk script of bench/stress.py: each request takes the next path of paths.txt (a mix of
-- every reader page, many filter combinations, deep pages, searches and bad input), and
-- the answers are counted by status.
local paths = {}
counts = {}  -- global: done() reads it from each thread
local threads = {}
local index = 0

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do
    table.insert(paths, line)
  end
  index = math.random(#paths)
  counts = {}
end

function request()
  index = index % #paths + 1
  return wrk.format("GET", paths[index])
end

function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    local c = thread:get("counts")
    for status, n in pairs(c) do
      total[status] = (total[status] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(total) do
    table.insert(parts, string.format('"%d": %d', status, n))
  end
  io.write("STATUS {" .. table.concat(parts, ", ") .. "}\n")
end
