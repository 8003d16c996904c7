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
# the peer: Mininet from Debian's packages, run inside a network namespace of its own so that it never
# touches the machine's network (its cleanup, which kills processes by name, is never called)
if ! /usr/bin/python3 -c 'import mininet' 2>/dev/null || ! command -v brctl >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mininet bridge-utils net-tools >/dev/null
fi
unshare --net /usr/bin/python3 benchmarks/mininet/mininet_bench.py "${1:-1}" > benchmarks/target/mininet.json
java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" dev.netns.bench.Benchmarks \
  docs/benchmarks.md "${1:-1}" benchmarks/target/mininet.json
# the linearizability checker, pure Java, into its own section of the same page
scripts/run-history-benchmark.sh "${1:-1}"
