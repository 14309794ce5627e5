-- wrk report for bench/run.py: after a run, one line "BENCH_RESULT {json}" on stdout.
--
-- wrk calls done() once, in its main Lua state, after every thread has stopped.
-- summary.duration and the latency figures are in microseconds.
-- summary.errors.status counts responses with a status of 400 or more (wrk's own rule);
-- bench/run.py checks before the run that each URL answers 200 and not a redirect.

local function number(name, value)
  return string.format('"%s": %.3f', name, value)
end

done = function(summary, latency, requests)
  local errors = summary.errors
  local seconds = summary.duration / 1e6
  local fields = {
    number("duration_s", seconds),
    number("requests", summary.requests),
    number("bytes", summary.bytes),
    number("requests_per_s", summary.requests / seconds),
    number("latency_mean_us", latency.mean),
    number("latency_max_us", latency.max),
    number("p50_us", latency:percentile(50)),
    number("p95_us", latency:percentile(95)),
    number("p99_us", latency:percentile(99)),
    number("errors_status", errors.status),
    number("errors_connect", errors.connect),
    number("errors_read", errors.read),
    number("errors_write", errors.write),
    number("errors_timeout", errors.timeout),
  }
  io.write("BENCH_RESULT {" .. table.concat(fields, ", ") .. "}\n")
end
