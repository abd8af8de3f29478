#!/usr/bin/env bash
# Throughput benchmark: BitWeb / bt / libtorrent on loopback, one table. Not part of `mvn test`.
#   bench/run.sh [--size-mb 200] [--runs 1] [--keep]      throughput: BitWeb / bt / libtorrent
#   bench/run.sh open    time to the first page of a cold 1 GB vs 1 MB site, whole-file MB/s
#   bench/run.sh host    native host: status and sites.list round trips (alone, beside slow calls), publish, gateway read
#   bench/run.sh gateway [--runs 1] [--seconds 5] [--connections 64,256] [--engine-jvm "..."]
#                        [--variant NAME="JVM options | jar:PATH"]... [--rss-cap-mb 320] [--cold-pause-ms 0]
#                        the gateway under wrk beside nginx (13 KB page, 50 MB file), cold and warm, RSS;
#                        variants (other JVM options, another build's jar) measured in the same sets;
#                        fails if an engine's peak RSS under load is above the cap
#   bench/run.sh slow [--readers 0,40,100,200]
#                        a normal page's latency while N connections download and do not read, beside nginx
#   bench/run.sh engine [--size-mb 200] [--trials 5] [--variant NAME:prop=v,...] [--from-libtorrent] [--to-libtorrent]
#                        a BitWeb engine downloading a whole site vs libtorrent, medians
#   bench/run.sh sites   an idle engine seeding 0 / 100 / 1000 tiny sites: ready time, RSS, threads, CPU
#                        (-Dbench.dht=testnet in BENCH_JAVA_OPTS: DHT on, in the testnet; SitesBench's javadoc)
#   bench/run.sh service from the service's ExecStart to the engine answering and the first site seeded (1 / 100 sites)
#   bench/run.sh start [--trials 10] [--dht] [--no-archive] [--jar NAME=PATH]... [--variant NAME="opts"]...
#                        [--java NAME=JAVA_HOME]... [--java-class-data NAME=JAVA_HOME]...
#                        launch -> "engine up" with the product's JVM options and class-data archive, the
#                        start's steps; jars (and Javas: 25's AOT cache) side by side, interleaved, paired against the first
#   bench/run.sh bridge [--cold] [--trials 10] [--jar NAME=PATH]...
#                        the bridge's start (java -jar, the launcher's HOST_JVM, and with its class-data archive)
#                        to its answer to hello, with an engine running (--cold: none, the bridge starts it;
#                        jars side by side, each bridge with and without its archive)
#   bench/run.sh latency [--trials 5] [--big-mb 1024] [--profiles 25:20mbit,100:2mbit] [--before prop=v,...] [--before-jar JAR] [--before-pieces N]
#                        a cold visit's first page over an emulated link (two network namespaces, a
#                        user-space delay line, tbf): BitWeb and libtorrent seeders and visitors, round trips
#   bench/run.sh hostile a page embedding images of 1,000 made-up sites: the engine's threads, RSS, folders
#   bench/run.sh storage disk used by 10 versions of a 300 MB site, one 1 MB file changed in each
#   bench/run.sh rates   configured vs measured upload and download rate limits, a minute each
#   bench/run.sh traffic DHT and LAN-discovery packets and bytes per minute with 0 / 10 / 100 sites (DHT testnet)
#   bench/run.sh browser [--trials 5] [--extension NAME=DIR]... [--jar NAME=PATH]... [--ask-after-spawn MS]
#                        the first link a browser opens: Chromium with the extension, launch -> page shown, with
#                        no engine running (the host starts it) and with one; builds of the extension or jars side by side
#   (open/host/sites/storage/rates/traffic take -D options in BENCH_JAVA_OPTS: -Dbench.trials=5 -Dbench.bigMb=1024 ...)
#   bench/run.sh dht [--trials 30]   BEP 44 resolves and puts on the mixed DHT testnet: BitWeb vs
#                        libtorrent vs bittorrent-dht vs stock mldht (needs the testnet namespace,
#                        python3-libtorrent, node and npm ci in native-host/src/test/node)
# Needs /usr/bin/python3 with python3-libtorrent (apt-get install python3-libtorrent); gateway and
# slow need Debian's nginx and wrk (apt-get install nginx-light wrk).
# Builds native-host (main + test fixtures), compiles bench/src against them, runs
# org.bitweb.bench.ThroughputBench. Data goes to /tmp/bitweb-bench-* and is removed afterwards.
set -euo pipefail
# engines a benchmark starts (through a browser's host, say) never ask this machine's router for ports
export BITWEB_PORTMAP=off
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$(mktemp -d /tmp/bitweb-bench-build-XXXXXX)"
trap 'rm -rf "$out"' EXIT
cd "$root"
# package: the shaded jar (target/bitweb.jar) is what the gateway benchmarks' engine runs from
mvn -B -q -pl native-host package -DskipTests dependency:build-classpath \
    -Dmdep.outputFile="$out/deps.txt" -Dmdep.includeScope=test >&2
cp="$root/native-host/target/classes:$root/native-host/target/test-classes:$(cat "$out/deps.txt")"
if [[ "${1:-}" == browser ]]; then
  # Node and Debian's Chromium: the e2e suite's set-up (npm ci at the root, scripts/install-test-deps.sh)
  shift
  node extension/build.mjs chrome >&2
  exec node bench/browser/first-link.mjs "$@"
fi
if [[ "${1:-}" == dht ]]; then
  # compiled alone, and run inside the testnet's network namespace (docs/DHT.md)
  javac -d "$out/classes" -cp "$cp" "$root/bench/src/org/bitweb/bench/DhtBench.java" "$root/bench/src/org/bitweb/bench/Table.java"
  shift
  cd "$root/native-host" # the fixtures find src/test/node from here
  BITWEB_REAL_JAVA="$(command -v java)" sh "$root/native-host/src/test/netns/bin/java" -Xmx1g \
      -Djdk.net.hosts.file="$root/native-host/src/test/netns/hosts" ${BENCH_JAVA_OPTS:-} \
      -cp "$out/classes:$cp" org.bitweb.bench.DhtBench "$@"
  exit
fi
javac -d "$out/classes" -cp "$cp" $(find "$root/bench/src" -name '*.java')
# the engine of the gateway benchmarks runs from jars only, as users run it: class-data sharing
# archives classes from jars, not from folders
jar cf "$out/bench.jar" -C "$out/classes" .
engine_cp="$root/native-host/target/bitweb.jar:$out/bench.jar"
# logback-test.xml (test-classes) keeps bt quiet and on stderr; no exec, so the trap removes $out
# bench/run.sh [throughput|open|host] [args...]: which benchmark (default: throughput)
case "${1:-}" in
  open) shift; main=org.bitweb.bench.OpenBench ;;
  host) shift; main=org.bitweb.bench.HostBench ;;
  engine) shift; main=org.bitweb.bench.EngineBench ;;
  storage) shift; main=org.bitweb.bench.StorageBench ;;
  rates) shift; main=org.bitweb.bench.RateBench ;;
  traffic) shift; main=org.bitweb.bench.TrafficBench
    # inside the DHT testnet's network namespace (docs/DHT.md): the JVM starts through its wrapper
    export BITWEB_REAL_JAVA="$(command -v java)"
    exec_java="$root/native-host/src/test/netns/bin/java" ;;
  sites) shift; main=org.bitweb.bench.SitesBench
    if [[ " ${BENCH_JAVA_OPTS:-} " == *" -Dbench.dht=testnet "* ]]; then
      # the engines announce in the DHT testnet's network namespace (docs/DHT.md)
      export BITWEB_REAL_JAVA="$(command -v java)"
      exec_java="$root/native-host/src/test/netns/bin/java"
    fi ;;
  service) shift; main=org.bitweb.bench.ServiceStartBench ;;
  start) shift; main=org.bitweb.bench.StartBench ;;
  bridge) shift; main=org.bitweb.bench.BridgeBench ;;
  commands) shift; main=org.bitweb.bench.CommandBench ;;
  hostile) shift; main=org.bitweb.bench.HostileBench ;;
  latency) shift; main=org.bitweb.bench.LatencyBench
    # as root of a user namespace of its own: it makes the emulated link (bench/latency/delayline.py)
    wrap="unshare -rn" ;;
  gateway|slow)
    for tool in nginx wrk; do
      command -v "$tool" >/dev/null || { echo "bench/run.sh $1 needs $tool: apt-get install -y nginx-light wrk" >&2; exit 1; }
    done
    [[ $1 == gateway ]] && main=org.bitweb.bench.GatewayBench || main=org.bitweb.bench.SlowReadersBench
    shift ;;
  throughput) shift; main=org.bitweb.bench.ThroughputBench ;;
  *) main=org.bitweb.bench.ThroughputBench ;;
esac
${wrap:-} "${exec_java:-java}" -Xmx3g -Dbench.engineClassPath="$engine_cp" -Dbench.root="$root" ${BENCH_JAVA_OPTS:-} -cp "$out/classes:$cp" "$main" "$@"
