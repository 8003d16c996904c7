#!/usr/bin/env bash
# The recipes of docs/java-in-topology.md are the samples' own code: every line of its Java blocks
# is a line of a test in samples/ (compared without indentation; a line with "..." stands for code
# the recipe leaves out). Called by scripts/check-docs.sh; needs nothing but a shell.
set -euo pipefail
cd "$(dirname "$0")/.."
trim() { sed 's/^[[:space:]]*//; s/[[:space:]]*$//' | grep -v '^$' | LC_ALL=C sort -u; }
sources=$(mktemp)
trap 'rm -f "$sources"' EXIT
cat samples/src/test/java/dev/netns/samples/*.java | trim > "$sources"
missing=$(awk '/^```java/ { inside = 1; next } /^```/ { inside = 0 } inside' docs/java-in-topology.md \
  | grep -vF '...' | trim | LC_ALL=C comm -23 - "$sources")
if [ -n "$missing" ]; then
  echo "FAILED: these lines of docs/java-in-topology.md are in no sample of samples/ (change both together):" >&2
  echo "$missing" >&2
  exit 1
fi
echo "The recipes of docs/java-in-topology.md are the samples' code."
