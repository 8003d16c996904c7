#!/usr/bin/env bash
# The IDE recipe of docs/rootless.md, as CI runs it: what an IDE's own test runner does (a JVM
# started directly with the test class path, running the JUnit Platform on the selected classes;
# no Maven, no Surefire), inside unshare --user --map-root-user, as the unprivileged user nobody.
# The JVM is the JUnit console launcher, exactly the command docs/rootless.md gives the user.
# Fails when a test fails or none ran. Called by scripts/run-samples-rootless.sh (as root), with
# world-readable copies of the samples' test classes and of their class path.
# Usage: run-like-an-ide.sh TEST_CLASSES_DIR LIB_DIR CONSOLE_LAUNCHER_JAR TMP_DIR CLASS...
set -euo pipefail
classes=$1; lib=$2; console=$3; tmp=$4; shift 4
[ "$#" -gt 0 ] || { echo "run-like-an-ide.sh: name the test classes to run" >&2; exit 2; }
classpath=$classes
for jar in "$lib"/*.jar; do classpath="$classpath:$jar"; done
selectors=()
for class in "$@"; do selectors+=(--select-class "$class"); done
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
setpriv --reuid=65534 --regid=65534 --clear-groups -- env HOME="$tmp" \
  unshare --user --map-root-user -- \
  java --enable-native-access=ALL-UNNAMED -Djava.io.tmpdir="$tmp" \
    -jar "$console" execute --disable-banner --disable-ansi-colors --details=tree --fail-if-no-tests \
    --class-path "$classpath" "${selectors[@]}" > "$log" 2>&1 || status=$?
succeeded=$(sed -n 's/^\[ *\([0-9]*\) tests successful *\]$/\1/p' "$log")
failed=$(sed -n 's/^\[ *\([0-9]*\) tests failed *\]$/\1/p' "$log")
if [ "$status" -ne 0 ] || [ "${succeeded:-0}" -eq 0 ] || [ "${failed:-1}" -ne 0 ]; then
  cat "$log" >&2
  echo "FAILED: the IDE recipe (console launcher as nobody in a user namespace): exit $status, ${succeeded:-no} tests passed, ${failed:-?} failed" >&2
  exit 1
fi
echo "IDE recipe (a JVM with the test class path, no Maven, as nobody in a user namespace): $succeeded tests of $# classes passed"
