-- wrk script of the predict benchmark: POSTs the bodies of a file (one JSON
-- body a line) in turn, and prints the run's figures as one JSON line that
-- bench/predict/wrk.ts reads. Requests are formatted once, in init, so the
-- generator spends its time sending, not building strings.
local requests = {}
local n = 0
local i = 0

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then
      n = n + 1
      requests[n] = wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, line)
    end
  end
  -- threads start at different bodies so they do not send the same one at once
  i = math.random(0, math.max(0, n - 1))
end

function request()
  i = i % n + 1
  return requests[i]
end

function done(summary, latency, _)
  local e = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests":%d,"durationUs":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50Us":%d,"p99Us":%d,"maxUs":%d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
