-- wrk reporter: one JSON line with throughput, latency percentiles (ms) and bytes per response.
done = function(summary, latency, requests)
  local n = summary.requests
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "rps": %.1f, "p50_ms": %.2f, "p95_ms": %.2f, ' ..
    '"p99_ms": %.2f, "bytes_per_response": %.0f, "errors": %d, "non_2xx": %d}\n',
    n, summary.duration / 1e6, n / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    n > 0 and summary.bytes / n or 0, errors, summary.errors.status))
end
