#!/usr/bin/env bash
# Compiles the code fragments of the docs (snippets named fragments/NAME.java: lines of a test, as
# the docs show them) the way a user pastes them: into a test method whose parameters are the
# namespaces and the topology the docs name (red, blue, node1..3, net), below the imports block of
# docs/getting-started.md (fragments/imports.java). A fragment that declares one of those names
# itself gets no parameter of that name.
# Usage: compile-fragments.sh SNIPPETS_DIR CLASSPATH_FILE OUTPUT_DIR
set -euo pipefail
snippets=$1; classpath=$(cat "$2"); out=$3
mkdir -p "$out/src" "$out/classes"
count=0
for fragment in "$snippets"/fragments/*.java; do
  name=$(basename "$fragment" .java)
  [ "$name" = imports ] && continue
  parameters=()
  for variable in "NetNs red" "NetNs blue" "NetNs node1" "NetNs node2" "NetNs node3" "Topology net"; do
    grep -qE "\b${variable} =" "$fragment" || parameters+=("$variable")
  done
  {
    echo "package fragments;"
    cat "$snippets/fragments/imports.java"
    echo "class $name {"
    echo "  void run($(IFS=,; echo "${parameters[*]}" | sed 's/,/, /g')) throws Exception {"
    cat "$fragment"
    echo "  }"
    echo "}"
  } > "$out/src/$name.java"
  count=$((count + 1))
done
javac -proc:none -Xlint:-options -d "$out/classes" -cp "$classpath" "$out"/src/*.java
echo "$count fragments of the docs compile"
