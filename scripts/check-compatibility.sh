#!/usr/bin/env bash
# Builds and runs the samples as a user's project would: netns-junit declared first, then the user's
# own junit-jupiter (no BOM), for several JUnit versions and every JDK on the machine (17 and newer).
# The user's JUnit must win; any combination that fails, or whose test JVM warns about native access
# (Java 24+), fails this script.
set -euo pipefail
cd "$(dirname "$0")/.."
junit_versions=(${JUNIT_VERSIONS:-5.13.4 5.14.4 6.1.3})
version=$(sed -n "s:.*<version>\(.*\)</version>.*:\1:p" pom.xml | head -1)
mvn -B -ntp -q install -DskipTests -pl extension -am

jdk_list=$(scripts/jdks.sh)
mapfile -t jdks <<< "$jdk_list"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0
summary=()
for jdk in "${jdks[@]}"; do
  for junit in "${junit_versions[@]}"; do
    project="$work/$(basename "$jdk")-$junit"
    mkdir -p "$project/src/test/java"
    cp -r samples/src/test/java/. "$project/src/test/java/"
    cp -r samples/src/test/resources "$project/src/test/"
    sed -e "s/JUNIT_VERSION/$junit/g" -e "s/NETNS_VERSION/$version/g" scripts/compat/pom.xml.template > "$project/pom.xml"
    if JAVA_HOME="$jdk" mvn -B -ntp -q -f "$project/pom.xml" test > "$project/build.log" 2>&1; then
      result=passed
      # Java 24+ warns when JNA loads its library unless the documented argLine allows it
      if grep -rqiE 'restricted method|enable-native-access' "$project/build.log" "$project"/target/surefire-reports; then
        result="FAILED (native-access warning)"; failed=1
        grep -rhiE 'restricted method|enable-native-access' "$project/build.log" "$project"/target/surefire-reports | head -5 >&2
      fi
    else
      result=FAILED; failed=1
      tail -40 "$project/build.log" >&2
    fi
    tests=$(grep -ho 'tests="[0-9]*"' "$project"/target/surefire-reports/TEST-*.xml 2>/dev/null | tr -dc '0-9\n' \
      | awk '{ sum += $1 } END { print sum + 0 }')
    summary+=("$(basename "$jdk") + JUnit $junit: $result ($tests tests)")
  done
done
printf '%s\n' "${summary[@]}"
exit "$failed"
