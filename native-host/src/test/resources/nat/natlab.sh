#!/bin/sh
# A home network in network namespaces, for NatLabTest: run as `unshare -rn sh natlab.sh DIR`.
#
#   this namespace ("lan": the engine)     router namespace (miniupnpd)        wan namespace (a peer outside)
#   lan0 10.77.0.2/24 ---- veth ---- lan1 10.77.0.1/24 | wan0 6.0.0.1/24 ---- veth ---- wan1 6.0.0.2/24
#   default via 10.77.0.1                  forwards, masquerades out of wan0
#
# No interface leads out of these namespaces: every packet stays among them. The outside
# addresses are not from a documentation range because miniupnpd refuses to map behind a
# reserved or private outside address ("Port forwarding is impossible"), whichever it is.
# The router's nftables chains are the ones miniupnpd's nft backend fills (table inet filter:
# miniupnpd, prerouting_miniupnpd, postrouting_miniupnpd). miniupnpd itself is started by the
# test (so it can stop it); DIR/router.pid and DIR/wan.pid name the namespaces' holders, whose
# parent is this script: they die with it (setpriv --pdeathsig).
set -eu
D=$1
PATH=$PATH:/usr/sbin:/sbin
ip link set lo up
ip link add lan0 type veth peer name lan1
ip link add wan0 type veth peer name wan1
unshare -n setpriv --pdeathsig KILL sh -c "echo \$\$ > $D/router.pid.tmp && mv $D/router.pid.tmp $D/router.pid && exec sleep 100000" &
unshare -n setpriv --pdeathsig KILL sh -c "echo \$\$ > $D/wan.pid.tmp && mv $D/wan.pid.tmp $D/wan.pid && exec sleep 100000" &
i=0
while [ ! -s "$D/router.pid" ] || [ ! -s "$D/wan.pid" ]; do
    i=$((i + 1)); [ $i -lt 200 ] || { echo "natlab: the namespaces did not start" >&2; exit 1; }
    sleep 0.05
done
R=$(cat "$D/router.pid"); W=$(cat "$D/wan.pid")
ip link set lan1 netns "$R"
ip link set wan0 netns "$R"
ip link set wan1 netns "$W"
ip addr add 10.77.0.2/24 dev lan0
ip link set lan0 up
ip route add default via 10.77.0.1
nsenter -t "$R" -n sh -c 'ip link set lo up && ip addr add 10.77.0.1/24 dev lan1 && ip link set lan1 up &&
    ip addr add 6.0.0.1/24 dev wan0 && ip link set wan0 up && sysctl -qw net.ipv4.ip_forward=1'
nsenter -t "$W" -n sh -c 'ip link set lo up && ip addr add 6.0.0.2/24 dev wan1 && ip link set wan1 up'
nsenter -t "$R" -n nft -f - <<'NFT'
table inet filter {
  chain forward {
    type filter hook forward priority 0; policy drop;
    ct state established,related accept
    iifname "lan1" accept
    jump miniupnpd
  }
  chain miniupnpd {
  }
  chain prerouting {
    type nat hook prerouting priority -100; policy accept;
    jump prerouting_miniupnpd
  }
  chain postrouting {
    type nat hook postrouting priority 100; policy accept;
    oifname "wan0" masquerade
    jump postrouting_miniupnpd
  }
  chain prerouting_miniupnpd {
  }
  chain postrouting_miniupnpd {
  }
}
NFT
cat > "$D/miniupnpd.conf" <<CONF
ext_ifname=wan0
listening_ip=lan1
port=0
enable_natpmp=yes
enable_upnp=yes
secure_mode=yes
system_uptime=no
lease_file=$D/leases
# PCP leases are at least 120 s by default; the test renews short ones
min_lifetime=4
uuid=3d3cec3a-8cf0-11e0-98ee-001a6bd2d07d
allow 1024-65535 10.77.0.0/24 1024-65535
deny 0-65535 0.0.0.0/0 0-65535
CONF
echo ready > "$D/ready"
exec sleep 100000
