#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian machine: the browsers the end-to-end tests
# drive, the independent BitTorrent clients the interop tests talk to, iproute2 for the DHT
# testnet's network namespace, the shells and man the installed completion and man pages are
# tried in, systemd-analyze for the service unit, miniupnpd and nftables for the port-mapping
# test's gateway, the Java/Maven/Node toolchains if absent, and the npm test tools.
# Installs only what is missing, so a second run is quick.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

need=()
have() { command -v "$1" >/dev/null 2>&1; }
have chromium || need+=(chromium)
have firefox-esr || need+=(firefox-esr)
/usr/bin/python3 -c 'import libtorrent' >/dev/null 2>&1 || need+=(python3-libtorrent)
have transmission-cli || need+=(transmission-cli)
have aria2c || need+=(aria2)
have ip || need+=(iproute2)
have unshare || need+=(util-linux)
have zsh || need+=(zsh)
[[ -f /usr/share/bash-completion/bash_completion ]] || need+=(bash-completion)
have man || need+=(man-db)
# systemd-analyze verify checks the user unit 'bitweb service install' writes
have systemd-analyze || need+=(systemd)
# NatLabTest's router: miniupnpd (nftables backend) and nft, in /usr/sbin
[[ -x /usr/sbin/miniupnpd ]] || need+=(miniupnpd-nftables)
[[ -x /usr/sbin/nft ]] || need+=(nftables)
have javac || need+=(default-jdk-headless)
have mvn || need+=(maven)
have node || need+=(nodejs)
have npm || need+=(npm)

if ((${#need[@]})); then
  echo "installing system packages: ${need[*]}"
  if [[ $(id -u) == 0 ]]; then
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}"
  elif have sudo; then
    sudo apt-get update -q
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}"
  else
    echo "missing packages: ${need[*]}; install them with: apt-get install ${need[*]}" >&2
    exit 1
  fi
fi

# node --test --test-concurrency (scripts/test.sh) and web-ext need Node.js 20 or newer;
# Debian 12's own nodejs package is 18
if ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)'; then
  echo "Node.js $(node --version) is too old: the tests need Node.js 20 or newer (from nodejs.org or NodeSource)" >&2
  exit 1
fi

if [[ ! -d node_modules/puppeteer-core ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

# bittorrent-dht, the independent BEP 46 publisher of NodeDhtInteropTest
dht=native-host/src/test/node
if [[ ! -d $dht/node_modules/bittorrent-dht ]] || [[ $dht/package-lock.json -nt $dht/node_modules/.package-lock.json ]]; then
  (cd "$dht" && npm ci --no-audit --no-fund --loglevel=error)
fi
