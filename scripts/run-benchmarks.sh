#!/usr/bin/env bash
# Measures netns-junit next to the shell recipes, in one run, and writes docs/benchmarks.md.
# Optional argument: a scale factor for the iteration counts (default 1; 0.1 for a quick look).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
mvn -B -ntp -q -pl benchmarks -am package -DskipTests
java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" dev.netns.bench.Benchmarks \
  docs/benchmarks.md "${1:-1}"
