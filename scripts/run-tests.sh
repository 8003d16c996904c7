#!/usr/bin/env bash
# Runs every test: unit tests (no root needed), integration tests against the real kernel, the
# samples, once in order and once in parallel, then the samples against several JUnit versions and
# JDKs, the docs' snippets as a fresh user project; then checks that no process of the run survived and
# that the machine's own network is exactly as it was before.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

before=$(mktemp); after=$(mktemp); processes_before=$(mktemp)
trap 'rm -f "$before" "$after" "$processes_before"' EXIT
scripts/machine-state.sh > "$before"
scripts/our-processes.sh > "$processes_before"

mvn -B -ntp verify "$@"
# a second pass with every test class and method running concurrently
mvn -B -ntp verify -Pparallel "$@"
# the samples as a user's project: netns-junit first, the user's own JUnit 5.13, 5.14 and 6 (no BOM),
# on every JDK 17+ of the machine
scripts/check-compatibility.sh
# the samples once more WITHOUT root: as nobody, root only of a user namespace of its own
scripts/run-samples-rootless.sh
# every snippet of README and docs a user copies, as a fresh user project: Maven 3.8 and the newest
# Maven 3, every JDK, and without root through the documented launcher
scripts/check-docs.sh
# the release profile (Maven Central) builds without keys, every plugin pinned
scripts/check-release.sh

# no process of ours survives: none in a network namespace of the run, no JVM of dev.netns. classes
# (a crashed run's watchdog needs a moment, so a survivor gets 15 s to go)
survivors=""
for _ in $(seq 30); do
  survivors=$(scripts/our-processes.sh | LC_ALL=C comm -13 "$processes_before" -)
  [ -z "$survivors" ] && break
  sleep 0.5
done
if [ -n "$survivors" ]; then
  echo "FAILED: processes started by the tests are still running (pid, start time, network namespace, command):" >&2
  echo "$survivors" >&2
  exit 1
fi
echo "No process of the tests survived."

scripts/machine-state.sh > "$after"
if ! diff -u "$before" "$after"; then
  echo "FAILED: the tests changed the machine's own network (diff above)." >&2
  exit 1
fi
echo "Machine network unchanged: no namespace, interface, address, route or rule left behind."
