#!/usr/bin/env bash
# Runs the samples: one JUnit class per seed tutorial and per feature, against the real kernel.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
mvn -B -ntp -pl samples -am verify -DskipITs \
  -Dtest='dev.netns.samples.**' -Dsurefire.failIfNoSpecifiedTests=false "$@"
