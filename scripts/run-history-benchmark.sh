#!/usr/bin/env bash
# Measures the linearizability checker on generated histories (1k, 10k, 100k operations) and
# replaces its section of docs/benchmarks.md. Pure Java: no root, no namespaces.
# Optional argument: a scale factor for the history sizes (default 1; 0.1 for a quick look).
# A peer checker runs on the same files in the same run when HISTORY_BENCH_PEER names a command
# that takes "register|kv FILE" and prints "ok|illegal|unknown MILLISECONDS"; none is part of
# this repository, and without one the table says "not available". HISTORY_BENCH_PEER_NAME
# describes the peer in the report.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -ntp -q -pl benchmarks -am package -DskipTests
if [ -z "${HISTORY_BENCH_PEER:-}" ]; then
  echo "run-history-benchmark: HISTORY_BENCH_PEER is not set: the peer column will say 'not available'" >&2
fi
java -Xss8m -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" dev.netns.bench.HistoryBenchmark \
  docs/benchmarks.md "${1:-1}"
