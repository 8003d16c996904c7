#!/usr/bin/env bash
# Compiles the code fragments of the docs the way a user pastes them, below the imports block of
# docs/getting-started.md (fragments/imports.java), and runs those that declare a whole topology:
#  - fragments/NAME.java: lines of a test, pasted into a test method. Its parameters are the names
#    the docs use without declaring them (red, blue, node1..3 and server: namespaces; net: the
#    topology; p1..p3: programs; history: a History), those the fragment uses and does not declare
#    itself. Import lines at the top of a fragment (the docs show them) go to the imports.
#  - fragments/members/NAME.java: methods of a test class (a test method with its annotations).
#  - fragments/annotations/NAME.java: annotations of a test class. Each is put on a class with the
#    two-namespace topology of getting-started (red, blue, a veth pair) and one empty test, and run
#    with the JUnit console launcher: the topology the annotations declare must start.
# runTheWorkload() (the docs' stand-in for a test's clients) is a method of every class.
# Usage: compile-fragments.sh SNIPPETS_DIR CLASSPATH_FILE OUTPUT_DIR [CONSOLE_LAUNCHER_JAR]
set -euo pipefail
snippets=$1; classpath=$(cat "$2"); out=$3; console=${4:-}
mkdir -p "$out/src" "$out/classes"
count=0

# the fragment's own import lines (at its top), then the imports every page assumes
imports() {
  echo "package fragments;"
  cat "$snippets/fragments/imports.java"
  sed -n '/^import /p; /^[[:space:]]*$/d; /^import /!q' "$1"
}
body() { awk 'started || !/^(import |[[:space:]]*$)/ { started = 1; print }' "$1"; }

for fragment in "$snippets"/fragments/*.java; do
  name=$(basename "$fragment" .java)
  [ "$name" = imports ] && continue
  parameters=()
  for variable in "NetNs red" "NetNs blue" "NetNs node1" "NetNs node2" "NetNs node3" "NetNs server" \
                  "Topology net" "Program p1" "Program p2" "Program p3" "dev.netns.history.History history"; do
    word=${variable##* }
    grep -qE "\\b$word\\b" "$fragment" || continue
    grep -qE "[A-Za-z0-9_>]+ +$word +=" "$fragment" || parameters+=("$variable")
  done
  {
    imports "$fragment"
    echo "class $name {"
    echo "  void run($(IFS=,; echo "${parameters[*]}" | sed 's/,/, /g')) throws Exception {"
    body "$fragment"
    echo "  }"
    echo "  void runTheWorkload() {}"
    echo "}"
  } > "$out/src/$name.java"
  count=$((count + 1))
done

for fragment in "$snippets"/fragments/members/*.java; do
  [ -e "$fragment" ] || continue
  name=Members_$(basename "$fragment" .java)
  {
    imports "$fragment"
    echo "class $name {"
    body "$fragment"
    echo "  void runTheWorkload() {}"
    echo "}"
  } > "$out/src/$name.java"
  count=$((count + 1))
done

runnable=()
for fragment in "$snippets"/fragments/annotations/*.java; do
  [ -e "$fragment" ] || continue
  name=Annotations_$(basename "$fragment" .java)
  {
    imports "$fragment"
    echo '@Namespace("red")'
    echo '@Namespace("blue")'
    echo '@VethPair(left = "red", leftAddress = "10.0.0.1/24", right = "blue", rightAddress = "10.0.0.2/24")'
    body "$fragment"
    echo "class $name {"
    echo "  @org.junit.jupiter.api.Test void topologyStarts(Topology net) { }"
    echo "}"
  } > "$out/src/$name.java"
  runnable+=("fragments.$name")
  count=$((count + 1))
done

javac -proc:none -Xlint:-options -d "$out/classes" -cp "$classpath" "$out"/src/*.java
echo "$count fragments of the docs compile"
if [ -n "$console" ] && [ "${#runnable[@]}" -gt 0 ]; then
  selectors=()
  for class in "${runnable[@]}"; do selectors+=(--select-class "$class"); done
  if ! java --enable-native-access=ALL-UNNAMED -jar "$console" execute --disable-banner --details=summary \
      --fail-if-no-tests --class-path "$out/classes:$classpath" "${selectors[@]}" > "$out/run.log" 2>&1; then
    cat "$out/run.log" >&2
    echo "the topologies of the annotation fragments did not start" >&2
    exit 1
  fi
  echo "${#runnable[@]} annotation fragments ran: their topologies start"
fi
