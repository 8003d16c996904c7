#!/usr/bin/env bash
# Checks that the build is ready for Maven Central without any key: the release profile (every
# plugin pinned, checked by the enforcer; signing; Central Portal publishing) builds the artifact
# with its sources and javadoc jars, and the published pom carries the metadata Central requires
# (name, description, url, licences, developers, scm). Signing is skipped: CI has no key.
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log" "$log.pom"' EXIT
if ! mvn -B -ntp -Dstyle.color=never -Prelease -Dgpg.skip -DskipTests verify > "$log" 2>&1; then
  tail -60 "$log" >&2
  echo "FAILED: mvn -Prelease -Dgpg.skip verify" >&2
  exit 1
fi
version=$(sed -n "s:.*<version>\(.*\)</version>.*:\1:p" pom.xml | head -1)
for jar in "" -sources -javadoc; do
  [ -s "extension/target/netns-junit-$version$jar.jar" ] || { echo "FAILED: no netns-junit-$version$jar.jar" >&2; exit 1; }
done
mvn -B -ntp -q -Dstyle.color=never -Prelease org.apache.maven.plugins:maven-help-plugin:3.5.1:effective-pom \
  -pl extension -Doutput="$log.pom" > /dev/null
for element in name description url licenses developers scm; do
  grep -q "<$element>" "$log.pom" || { echo "FAILED: the effective pom of netns-junit has no <$element>" >&2; exit 1; }
done
grep -q "Rule 0: org.apache.maven.enforcer.rules.RequirePluginVersions passed" "$log" \
  || { echo "FAILED: the enforcer did not check the plugin versions" >&2; exit 1; }
echo "Release build ready: every plugin pinned; jar, sources and javadoc; name, description, url, licences, developers, scm."
