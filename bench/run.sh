#!/usr/bin/env bash
# Throughput benchmark: BitWeb / bt / libtorrent on loopback, one table. Not part of `mvn test`.
#   bench/run.sh [--size-mb 200] [--runs 1] [--keep]
# Needs /usr/bin/python3 with python3-libtorrent (apt-get install python3-libtorrent).
# Builds native-host (main + test fixtures), compiles bench/src against them, runs
# org.bitweb.bench.ThroughputBench. Data goes to /tmp/bitweb-bench-* and is removed afterwards.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$(mktemp -d /tmp/bitweb-bench-build-XXXXXX)"
trap 'rm -rf "$out"' EXIT
cd "$root"
mvn -B -q -pl native-host test-compile dependency:build-classpath \
    -Dmdep.outputFile="$out/deps.txt" -Dmdep.includeScope=test >&2
cp="$root/native-host/target/classes:$root/native-host/target/test-classes:$(cat "$out/deps.txt")"
javac -d "$out/classes" -cp "$cp" $(find "$root/bench/src" -name '*.java')
# logback-test.xml (test-classes) keeps bt quiet and on stderr; no exec, so the trap removes $out
java -Xmx2g ${BENCH_JAVA_OPTS:-} -cp "$out/classes:$cp" org.bitweb.bench.ThroughputBench "$@"
