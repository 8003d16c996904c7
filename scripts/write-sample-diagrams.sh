#!/usr/bin/env bash
# Writes docs/samples.md: the diagram of every sample's topology, drawn from its annotations.
# Builds in the reactor (netns-junit from extension/target/classes): nothing is installed into ~/.m2.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -ntp -q -pl extension,samples -DskipTests test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/samples.classpath
java -cp "samples/target/test-classes:$(cat samples/target/samples.classpath)" scripts/docs/SampleDiagrams.java
