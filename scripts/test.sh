#!/usr/bin/env bash
# Runs every test BitWeb has, as CI does: Java unit and integration tests (real bt swarms, the
# real gateway, the DHT testnet in a network namespace, interop with libtorrent, Transmission
# and aria2), the extension's and installer's unit tests, and the end-to-end tests in real
# Chromium and Firefox ESR with the real extension and host.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Engines started by the tests (and by the browsers they drive) never join the public DHT.
export BITWEB_DHT=off
# ... nor use local peer discovery on the LAN of the machine running them.
export BITWEB_LAN=off
# ... nor ask that LAN's router to forward ports (UPnP IGD, PCP, NAT-PMP).
export BITWEB_PORTMAP=off

bash scripts/install-test-deps.sh
if ! mvn -B -ntp verify; then
    bash scripts/show-test-failures.sh
    exit 1
fi
node extension/build.mjs
node --test --test-concurrency=1 extension/test/ installer/test/ e2e/
