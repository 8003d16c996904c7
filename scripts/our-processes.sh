#!/usr/bin/env bash
# Prints the processes a test run could have left behind, one per line as "pid start-time netns
# command": every process in a network namespace other than the one this script runs in (the
# machine's own), and every process whose command line names a dev.netns. class (test JVMs, their
# victims and helpers). run-tests.sh takes the list before and after the run: a line that appears
# and stays is a process that survived the tests.
set -u
machine=$(readlink /proc/self/ns/net | tr -dc '0-9')
ps -eo pid=,netns=,args= | awk -v machine="$machine" -v self="$$" '
  $1 == self { next }
  $3 ~ /^\[/ { next }                                   # kernel threads
  /our-processes\.sh/ { next }
  ($2 != machine && $2 != "-") || /dev\.netns\./ { print }
' | while read -r pid netns command; do
  # field 22 of /proc/PID/stat, the start time, tells a survivor from a new process with a reused pid
  start=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | awk '{print $20}') || continue
  [ -n "$start" ] && echo "$pid $start $netns ${command:0:200}"
done | LC_ALL=C sort
