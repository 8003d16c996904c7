#!/usr/bin/env bash
# Measures netns-junit next to the shell recipes, in one run, and writes docs/benchmarks.md.
# Optional argument: a scale factor for the iteration counts (default 1; 0.1 for a quick look).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
mvn -B -ntp -q -pl benchmarks -am package -DskipTests
# the shell recipes use `ip netns add`, which makes /run/netns a mount point: undo that afterwards
had_run_netns=$(test -d /run/netns && echo yes || echo no)
restore_run_netns() {
  if [ "$had_run_netns" = no ] && [ -d /run/netns ] && [ -z "$(ls -A /run/netns)" ]; then
    umount /run/netns 2>/dev/null || true
    rmdir /run/netns 2>/dev/null || true
  fi
}
trap restore_run_netns EXIT
java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" dev.netns.bench.Benchmarks \
  docs/benchmarks.md "${1:-1}"
