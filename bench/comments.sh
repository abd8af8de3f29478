#!/usr/bin/env bash
# Comments benchmarks (docs/COMMENTS.md), not part of `mvn test`:
#   bench/comments.sh            proof of work and checking costs, 100,000 records on disk and
#                                in heap, the first page of a page with 10,000 comments
#   bench/comments.sh network    engines on the DHT testnet (a network namespace): a comment from
#                                B reaching C through the publisher, a cold reader finding
#                                comments through the DHT (needs unshare and iproute2)
# Builds native-host (main + test classes), compiles only the comments benchmarks against them.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$(mktemp -d /tmp/bitweb-bench-build-XXXXXX)"
trap 'rm -rf "$out"' EXIT
cd "$root"
mvn -B -q -o -pl native-host test-compile dependency:build-classpath \
    -Dmdep.outputFile="$out/deps.txt" -Dmdep.includeScope=test >&2
# a copy, so that a build in the same tree while the benchmark runs cannot pull classes from under it
cp -r "$root/native-host/target/classes" "$out/host-classes"
cp -r "$root/native-host/target/test-classes" "$out/host-test-classes"
cp="$out/host-classes:$out/host-test-classes:$(cat "$out/deps.txt")"
src="$root/bench/src/org/bitweb/bench"
case "${1:-}" in
  network)
    shift
    javac -d "$out/classes" -cp "$cp" "$src/CommentsNetworkBench.java" "$src/Table.java"
    # the testnet's addresses exist only inside the namespace the test JVM wrapper makes
    BITWEB_REAL_JAVA="$(command -v java)" "$root/native-host/src/test/netns/bin/java" \
        -Djdk.net.hosts.file="$root/native-host/src/test/netns/hosts" -Dbitweb.comments.workBits=16 \
        ${BENCH_JAVA_OPTS:-} -cp "$out/classes:$cp" org.bitweb.bench.CommentsNetworkBench "$@"
    ;;
  *)
    javac -d "$out/classes" -cp "$cp" "$src/CommentsBench.java" "$src/Table.java"
    # records of the storage part are made at 8 bits; the posting part asks for 23 itself
    java -Xmx1g -Dbitweb.comments.workBits=8 ${BENCH_JAVA_OPTS:-} -cp "$out/classes:$cp" org.bitweb.bench.CommentsBench "$@"
    ;;
esac
