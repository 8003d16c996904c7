#!/usr/bin/env bash
# Writes docs/samples.md: the diagram of every sample's topology, drawn from its annotations.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -ntp -q install -DskipTests
mvn -B -ntp -q test-compile -pl samples
mvn -B -ntp -q dependency:build-classpath -pl samples -Dmdep.includeScope=test -Dmdep.outputFile=target/samples.classpath
java -cp "samples/target/test-classes:$(cat samples/target/samples.classpath)" scripts/docs/SampleDiagrams.java
