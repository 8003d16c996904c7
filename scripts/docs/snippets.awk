# Extracts the code blocks of Markdown files that a user copies, exactly as written: a block marked
# by a line "<!-- snippet: NAME -->" right before its opening fence is written to OUT/NAME (NAME is
# a relative path: project/pom.xml, project/src/test/java/example/PingTest.java, ...).
# Usage: awk -v out=DIR -f snippets.awk FILE.md...
# Fails on a marker without a fence after it, an unclosed fence, a name used twice, or a name
# that leaves OUT.
function fail(message) {
  printf "%s:%d: %s\n", FILENAME, FNR, message > "/dev/stderr"
  failed = 1
  exit 1
}
FNR == 1 { pending = "" }
/^<!-- snippet: [^ ]+ -->$/ {
  if (inside) next
  name = $3
  if (name ~ /(^\/|\.\.)/) fail("snippet name " name " must be a relative path inside the project")
  if (name in seen) fail("snippet " name " is also defined at " seen[name])
  seen[name] = FILENAME ":" FNR
  pending = name
  next
}
{
  if (!inside && pending != "") {
    if ($0 ~ /^```/) {
      inside = 1
      target = out "/" pending
      directory = target
      sub(/\/[^\/]*$/, "", directory)
      system("mkdir -p '" directory "'")
      printf "" > target
      pending = ""
      count++
      next
    }
    if ($0 !~ /^[[:space:]]*$/) fail("snippet " pending ": a code fence must follow its marker")
    next
  }
  if (inside) {
    if ($0 ~ /^```[[:space:]]*$/) {
      inside = 0
      close(target)
      next
    }
    print > target
  }
}
END {
  if (failed) exit 1
  if (inside) { printf "snippet %s: its code fence is not closed\n", target > "/dev/stderr"; exit 1 }
  if (pending != "") { printf "snippet %s: no code fence after its marker\n", pending > "/dev/stderr"; exit 1 }
  printf "%d snippets extracted to %s\n", count, out > "/dev/stderr"
}
