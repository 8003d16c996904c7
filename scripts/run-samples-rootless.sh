#!/usr/bin/env bash
# Runs the samples WITHOUT root: as the unprivileged user nobody, whose JVM runs as root of a new
# user namespace (unshare --user --map-root-user). There it may make network namespaces, veths,
# nftables and their sysctls, and can change nothing of the machine's own network. Needs a kernel
# that allows unprivileged user namespaces (see docs/rootless.md). Called as root by the test
# script; the build happens as root, only the test JVM runs as nobody. Then a few sample classes
# once more the way an IDE's own runner runs them (scripts/rootless/run-like-an-ide.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -ntp -q install -DskipTests
mvn -B -ntp -q test-compile -pl samples
mvn -B -ntp -q dependency:build-classpath -pl samples -Dmdep.includeScope=test -Dmdep.outputFile=target/samples.classpath
launcher=$(find ~/.m2/repository/org/junit/platform/junit-platform-launcher -name "junit-platform-launcher-$(sed -n 's:.*<junit.version>\(.*\)</junit.version>.*:\1:p' pom.xml).jar" | head -1)

# a world-readable copy of what the JVM needs: nobody cannot read root's Maven repository
work=$(mktemp -d /tmp/netns-junit-rootless.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lib"
tr ':' '\n' < samples/target/samples.classpath | xargs -I{} cp {} "$work/lib/"
cp "$launcher" "$work/lib/"
cp -r samples/target/test-classes "$work/classes"
cp scripts/rootless/RunSamples.java "$work/"
# copied by the extension's build (its EscapeIT runs fixtures with it)
cp extension/target/launchers/junit-platform-console-standalone.jar "$work/"
mkdir -p "$work/tmp"
chmod -R a+rX "$work"
chmod a+rwx "$work/tmp"

setpriv --reuid=65534 --regid=65534 --clear-groups -- \
  env HOME="$work" unshare --user --map-root-user -- \
  java -Djava.io.tmpdir="$work/tmp" -cp "$work/classes:$work/lib/*" "$work/RunSamples.java"

# the IDE recipe of docs/rootless.md: a JVM with the test class path, no Maven, no Surefire
scripts/rootless/run-like-an-ide.sh "$work/classes" "$work/lib" "$work/junit-platform-console-standalone.jar" "$work/tmp" \
  dev.netns.samples.Seed000VethPairTest dev.netns.samples.Seed001BridgeNatTest dev.netns.samples.PartitionAndLinkFailureTest
