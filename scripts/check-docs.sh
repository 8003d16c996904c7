#!/usr/bin/env bash
# The code blocks of README.md and docs/ that a user copies are code this script runs, exactly as
# written (scripts/docs/snippets.awk extracts each block marked <!-- snippet: NAME --> to NAME):
#  1. installs netns-junit from source with the docs' own command;
#  2. builds a fresh user project from the snippets (the getting-started pom.xml and the tests of
#     README and docs) and runs its tests on the machine's Maven (3.8) and on the newest Maven 3,
#     with every JDK 17+ of the machine; on any of them, a native-access warning fails the check;
#     the code fragments of the docs (lines or methods of a test, annotations of a test class)
#     compile as pasted, and the annotation fragments' topologies start (scripts/docs/compile-fragments.sh);
#     a Java block of README or docs that is no snippet (nor a recipe of step 5) fails the check;
#  3. runs that project once more as the unprivileged user nobody, with the rootless launcher and
#     the Surefire lines of docs/rootless.md (only the test JVM gets a user namespace), and the
#     IDE recipe of docs/rootless.md (a JVM with the test class path, in a user namespace) as nobody;
#  4. checks the logging configuration of docs/troubleshooting.md: netns-junit's INFO lines show
#     without it and are gone with it;
#  5. checks that the recipes of docs/java-in-topology.md are the samples' code (scripts/check-recipes.sh),
#     and that the Gradle snippets (no Gradle that runs JUnit 5 can be installed here) name the
#     same versions and settings as the pom.
# Needs root (tests build namespaces; step 3 switches to nobody). MAVEN_OPTS=-Dmaven.repo.local=DIR
# installs into another local repository than ~/.m2/repository.
set -euo pipefail
cd "$(dirname "$0")/.."
newest_maven=${NEWEST_MAVEN:-3.9.16}   # the newest Maven 3 on Maven Central when this was written
work=$(mktemp -d /tmp/netns-junit-docs.XXXXXX)
chmod 755 "$work"
[ -n "${KEEP_DOCS_WORK:-}" ] && echo "keeping $work" || trap 'rm -rf "$work"' EXIT
snippets="$work/snippets"
awk -v out="$snippets" -f scripts/docs/snippets.awk README.md docs/*.md
# every Java block a user copies is a snippet (built or compiled below), or a recipe of
# docs/java-in-topology.md (the samples' own lines, checked next)
unmarked=$(awk 'FNR == 1 { previous = "" }
  /^```java/ && previous !~ /^<!-- snippet: / { print FILENAME ":" FNR }
  /[^[:space:]]/ { previous = $0 }' README.md $(ls docs/*.md | grep -v '^docs/java-in-topology.md$'))
if [ -n "$unmarked" ]; then
  echo "FAILED: these Java blocks are no snippet, so nothing compiles them (mark them <!-- snippet: NAME -->):" >&2
  echo "$unmarked" >&2
  exit 1
fi
# the recipes of docs/java-in-topology.md are lines of the samples (their tests run with the samples)
scripts/check-recipes.sh
summary=()
failed=0

fail() { echo "FAILED: $*" >&2; failed=1; summary+=("FAILED: $*"); }
ansi() { sed 's/\x1b\[[0-9;]*m//g'; }

echo "== install from source, as docs/getting-started.md says: $(cat "$snippets/install-from-source.sh")"
if ! bash -euo pipefail "$snippets/install-from-source.sh" > "$work/install.log" 2>&1; then
  tail -40 "$work/install.log" >&2
  echo "FAILED: the install command of docs/getting-started.md" >&2
  exit 1
fi

# the newest Maven 3: an ordinary artifact on Maven Central
(cd "$work" && mvn -B -ntp -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
  -Dartifact="org.apache.maven:apache-maven:$newest_maven:tar.gz:bin" -DoutputDirectory="$work")
tar xzf "$work/apache-maven-$newest_maven-bin.tar.gz" -C "$work"
mavens=("$(command -v mvn)" "$work/apache-maven-$newest_maven/bin/mvn")

jdk_list=$(scripts/jdks.sh)
mapfile -t jdks <<< "$jdk_list"

expected_tests=$(grep -rho '@Test\b' "$snippets/project/src" | wc -l)

# checks one build's log: every test of the snippets ran and passed, and the JVM did not warn
check_build() {
  local what=$1 status=$2 log=$3 project=$4 expected=${5:-$expected_tests}
  local totals
  totals=$(grep -E '^\[(INFO|ERROR|WARNING)\] Tests run: [0-9]+, Failures' "$log" | tail -1 || true)
  if [ "$status" -ne 0 ]; then
    tail -60 "$log" >&2
    fail "$what: the build failed"
  elif ! grep -q "Tests run: $expected, Failures: 0, Errors: 0, Skipped: 0" <<< "$totals"; then
    tail -60 "$log" >&2
    fail "$what: expected $expected tests to pass, Maven said: ${totals:-nothing}"
  elif grep -rqiE 'restricted method|enable-native-access' "$log" "$project"/target/surefire-reports 2>/dev/null; then
    grep -rhiE -B2 -A2 'restricted method|enable-native-access' "$log" "$project"/target/surefire-reports >&2 || true
    fail "$what: the test JVM warned about native access"
  else
    summary+=("$what: $expected tests passed, no warning")
    echo "${summary[-1]}"
  fi
}

for maven in "${mavens[@]}"; do
  maven_version=$("$maven" -v 2>/dev/null | ansi | sed -n 's/.*Apache Maven \([0-9.]*\).*/\1/p' | head -1)
  for jdk in "${jdks[@]}"; do
    project="$work/project-$maven_version-$(basename "$jdk")"
    cp -r "$snippets/project" "$project"
    status=0
    started=$SECONDS
    (cd "$project" && JAVA_HOME="$jdk" "$maven" -B -ntp -Dstyle.color=never test) > "$project/build.log" 2>&1 || status=$?
    echo "($((SECONDS - started)) s)"
    check_build "Maven $maven_version, $(basename "$jdk")" "$status" "$project/build.log" "$project"
  done
done

echo "== the code fragments of the docs, pasted into a test method or class (those that declare a topology run)"
first_project=$(ls -d "$work"/project-* | head -1)
(cd "$first_project" && JAVA_HOME="${jdks[0]}" "${mavens[0]}" -B -ntp -q -Dstyle.color=never \
  org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$work/test.classpath" > "$work/classpath.log" 2>&1) || { cat "$work/classpath.log" >&2; fail "classpath of the project"; }
# the JUnit console launcher of the JUnit the getting-started pom names
junit_version=$(awk '/<artifactId>junit-jupiter<\/artifactId>/ { found = 1; next }
  found && /<version>/ { gsub(/.*<version>|<\/version>.*/, ""); print; exit }' "$snippets/project/pom.xml")
(cd "$work" && mvn -B -ntp -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
  -Dartifact="org.junit.platform:junit-platform-console-standalone:$junit_version" -DoutputDirectory="$work")
console="$work/junit-platform-console-standalone-$junit_version.jar"
if compiled=$(PATH="${jdks[0]}/bin:$PATH" scripts/docs/compile-fragments.sh "$snippets" "$work/test.classpath" "$work/fragments" "$console" 2>&1); then
  summary+=("$compiled"); echo "$compiled"
else
  echo "$compiled" >&2
  fail "the code fragments of the docs do not compile as pasted"
fi

echo "== the same project without root: as nobody, with the launcher of docs/rootless.md"
rootless="$work/rootless"
cp -r "$snippets/project" "$rootless"
mkdir -p "$rootless/netns/bin"
cp "$snippets/rootless/netns/bin/java" "$rootless/netns/bin/java"
chmod +x "$rootless/netns/bin/java"
# the user replaces the Surefire plugin of the getting-started pom with the one of docs/rootless.md
awk -v replacement="$snippets/rootless/surefire-plugin.xml" '
  /^ *<plugin>$/ { block = $0 "\n"; collecting = 1; next }
  collecting { block = block $0 "\n"
    if ($0 ~ /<\/plugin>/) {
      collecting = 0
      if (block ~ /maven-surefire-plugin/) { while ((getline line < replacement) > 0) print line } else printf "%s", block
    }
    next }
  { print }' "$snippets/project/pom.xml" > "$rootless/pom.xml"
grep -q 'netns/bin/java' "$rootless/pom.xml" || fail "rootless: the Surefire plugin of the pom was not replaced"
# nobody cannot read root's repository: a copy of netns-junit in one of its own, the rest from Maven Central
repository=$(cd "$work" && mvn -B -ntp -q org.apache.maven.plugins:maven-help-plugin:3.5.1:evaluate \
  -Dexpression=settings.localRepository -DforceStdout -Dstyle.color=never | sed 's/\x1b\[[0-9;]*m//g')
mkdir -p "$work/nobody/repository/dev" "$work/nobody/tmp"
cp -r "$repository/dev/netns" "$work/nobody/repository/dev/"
chown -R 65534:65534 "$rootless" "$work/nobody"
status=0
# JAVA_TOOL_OPTIONS reaches the test JVMs too: their run folder is this check's, not one in the machine's /tmp
setpriv --reuid=65534 --regid=65534 --clear-groups -- env -u MAVEN_OPTS HOME="$work/nobody" \
  JAVA_TOOL_OPTIONS="-Djava.io.tmpdir=$work/nobody/tmp" \
  bash -c "cd '$rootless' && mvn -B -ntp -Dmaven.repo.local='$work/nobody/repository' test" \
  > "$work/rootless.log" 2>&1 || status=$?
check_build "Maven (machine's) as nobody, rootless launcher" "$status" "$work/rootless.log" "$rootless"

echo "== the IDE recipe of docs/rootless.md: the JVM an IDE starts, by hand, as nobody"
grep -qF "junit-platform-console-standalone:$junit_version " "$snippets/rootless/ide.sh" \
  || fail "rootless/ide.sh: the console launcher is not of the JUnit the pom names ($junit_version)"
status=0
# the recipe's own lines; only its JVMs' temporary folder is this check's (a user's run folder stays in
# their /tmp, this check leaves none in the machine's)
setpriv --reuid=65534 --regid=65534 --clear-groups -- env HOME="$work/nobody" \
  MAVEN_OPTS="-Dmaven.repo.local=$work/nobody/repository" JAVA_TOOL_OPTIONS="-Djava.io.tmpdir=$work/nobody/tmp" \
  bash -c "cd '$rootless' && bash -euo pipefail '$snippets/rootless/ide.sh'" > "$work/ide.log" 2>&1 || status=$?
if [ "$status" -ne 0 ] || ! grep -qE '\[ +[1-9][0-9]* tests successful' "$work/ide.log" \
    || ! grep -qE '\[ +0 tests failed' "$work/ide.log"; then
  tail -40 "$work/ide.log" >&2
  fail "the IDE recipe of docs/rootless.md, as nobody (exit $status)"
elif grep -qiE 'restricted method|enable-native-access' "$work/ide.log"; then
  fail "the IDE recipe of docs/rootless.md: the JVM warned about native access"
else
  summary+=("IDE recipe (console launcher in a user namespace) as nobody: $(sed -n 's/^\[ *\([0-9]*\) tests successful.*/\1/p' "$work/ide.log") tests passed")
  echo "${summary[-1]}"
fi

echo "== logging: netns-junit's INFO lines, and the documented configuration that quiets them"
for variant in loud quiet; do
  project="$work/logging-$variant"
  cp -r "$snippets/project" "$project"
  cp scripts/docs/LoggingProbeTest.java "$project/src/test/java/example/"
  if [ "$variant" = quiet ]; then
    cp -r "$snippets/logging/." "$project/"
    rm "$project/argLine.xml"
    # the user extends the argLine of the getting-started pom with the line of docs/troubleshooting.md
    awk -v replacement="$(cat "$snippets/logging/argLine.xml")" '/<argLine>/ { print replacement; next } { print }' \
      "$snippets/project/pom.xml" > "$project/pom.xml"
  fi
  status=0
  (cd "$project" && "${mavens[0]}" -B -ntp -Dstyle.color=never test) > "$project/build.log" 2>&1 || status=$?
  check_build "logging, $variant" "$status" "$project/build.log" "$project" $((expected_tests + 1))
  if [ "$variant" = loud ] && ! grep -q 'INFO: impaired red:eth0' "$project/build.log"; then
    fail "logging: without a configuration, the impairment's INFO line did not show (the quiet check would prove nothing)"
  fi
  if [ "$variant" = quiet ] && grep -q 'impaired red:eth0' "$project/build.log"; then
    fail "logging: the configuration of docs/troubleshooting.md did not quiet netns-junit's INFO lines"
  fi
done

echo "== Gradle snippets: the pom's versions and settings"
for gradle in "$snippets/project/build.gradle.kts" "$snippets/project/build.gradle"; do
  while read -r coordinates; do
    grep -q "$coordinates" "$gradle" || fail "$(basename "$gradle") does not name $coordinates as the pom does"
  done < <(awk '/<dependency>/ { g = a = v = "" }
                /<groupId>/ { g = $0; gsub(/.*<groupId>|<\/groupId>.*/, "", g) }
                /<artifactId>/ { a = $0; gsub(/.*<artifactId>|<\/artifactId>.*/, "", a) }
                /<version>/ { v = $0; gsub(/.*<version>|<\/version>.*/, "", v) }
                /<\/dependency>/ { print g ":" a ":" v }' "$snippets/project/pom.xml")
  for setting in 'mavenLocal()' 'useJUnitPlatform()' '--enable-native-access=ALL-UNNAMED' 'junit-platform-launcher'; do
    grep -qF -- "$setting" "$gradle" || fail "$(basename "$gradle") lacks $setting"
  done
done
[ "$failed" -eq 0 ] && summary+=("Gradle snippets: the pom's versions and settings (not run: no Gradle here)")

printf '%s\n' "${summary[@]}"
exit "$failed"
