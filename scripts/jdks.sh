#!/usr/bin/env bash
# Prints the home of every JDK 17 or newer under /usr/lib/jvm, one a line (links to another JDK
# left out); fails when there is none. For the scripts that build with every JDK of the machine.
set -euo pipefail
found=0
for candidate in /usr/lib/jvm/*; do
  [ -x "$candidate/bin/javac" ] || continue
  [ -L "$candidate" ] && continue
  feature=$("$candidate/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
  if [ "${feature:-0}" -ge 17 ] 2>/dev/null; then
    echo "$candidate"
    found=1
  fi
done
[ "$found" -eq 1 ] || { echo "no JDK 17+ found under /usr/lib/jvm" >&2; exit 1; }
