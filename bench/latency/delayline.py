#!/usr/bin/python3
"""An emulated network link between two network namespaces, for bench/run.sh latency.

This kernel has no sch_netem, so the delay is done here, in user space: two TUN devices, one in
the namespace this starts in ("near", 10.77.0.1) and one in a network namespace it makes
("far", 10.77.0.2), and this process copies every IP packet from one to the other after the
one-way delay. The rate is the kernel's tbf on each device's egress, so packets are paced
before they are delayed, as on a real link. TCP runs end to end between the two kernels.

Run it as root of a user namespace (``unshare -rn``). It prints ``ready <pid>`` once both ends
are up: other processes join the far namespace with ``nsenter -t <pid> -n``. Commands on stdin,
one per line, each answered with one line on stdout:

  profile <one-way delay ms> <rate, tc syntax e.g. 20mbit>   set the link's delay and rate
  mark                                                        start counting afresh
  count                                                       "count <round trips> <flights> <near->far packets> <far->near packets>"

A flight is a burst of near->far packets that carry a SYN or data, sent after the far side sent
a SYN or data since the previous flight; a round trip is a flight the far side answered (with a
SYN or data): the turns the near side (the visitor) waited for. Flights also count what is sent
after the last answer (a "have", a FIN). Ends when stdin closes.
"""
import ctypes
import fcntl
import heapq
import os
import select
import struct
import subprocess
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000
CLONE_NEWNET = 0x40000000
NEAR, FAR = "10.77.0.1", "10.77.0.2"


def log(*parts):
    print("delayline:", *parts, file=sys.stderr, flush=True)


def tun(name):
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
    os.set_blocking(fd, False)
    return fd


def run(*cmd):
    subprocess.run(cmd, check=True)


def up(dev, local, peer):
    run("ip", "link", "set", "lo", "up")
    run("ip", "addr", "add", local, "peer", peer, "dev", dev)
    run("ip", "link", "set", dev, "mtu", "1500", "up")


def shape(dev, rate, netns_pid=None):
    """tbf at the rate, with a burst of 10 ms of it (at least two full packets)."""
    bits = parse_rate(rate)
    burst = max(3200, bits // 8 // 100)
    prefix = ["nsenter", "-t", str(netns_pid), "-n"] if netns_pid else []
    subprocess.run(prefix + ["tc", "qdisc", "replace", "dev", dev, "root", "tbf", "rate", rate,
                             "burst", str(burst), "latency", "2s"], check=True)


def parse_rate(rate):
    units = {"kbit": 1000, "mbit": 1000_000, "gbit": 1000_000_000}
    for unit, factor in units.items():
        if rate.endswith(unit):
            return int(float(rate[:-len(unit)]) * factor)
    raise SystemExit("rate like 20mbit, not " + rate)


def carries(packet):
    """Whether an IPv4 TCP packet carries a SYN or data (not a bare acknowledgement)."""
    if len(packet) < 20 or packet[0] >> 4 != 4 or packet[9] != 6:
        return len(packet) > 0 and packet[0] >> 4 == 4 and packet[9] == 17  # UDP counts as data
    ihl = (packet[0] & 0x0F) * 4
    total = struct.unpack("!H", packet[2:4])[0]
    if len(packet) < ihl + 14:
        return False
    offset = (packet[ihl + 12] >> 4) * 4
    flags = packet[ihl + 13]
    return bool(flags & 0x02) or total - ihl - offset > 0


def describe(packet):
    if len(packet) < 40 or packet[0] >> 4 != 4 or packet[9] != 6:
        return "other %d" % len(packet)
    ihl = (packet[0] & 0x0F) * 4
    total = struct.unpack("!H", packet[2:4])[0]
    offset = (packet[ihl + 12] >> 4) * 4
    flags = packet[ihl + 13]
    names = "".join(n for bit, n in ((0x02, "S"), (0x10, "."), (0x08, "P"), (0x01, "F"), (0x04, "R")) if flags & bit)
    sport, dport = struct.unpack("!HH", packet[ihl:ihl + 4])
    return "%d>%d %s %d" % (sport, dport, names, total - ihl - offset)


def main():
    near = tun("bwnear")
    up("bwnear", NEAR, FAR)
    shape("bwnear", "20mbit")
    libc = ctypes.CDLL(None, use_errno=True)
    # keep a handle on the near namespace for re-shaping its device after we left it
    near_ns = os.open("/proc/self/ns/net", os.O_RDONLY)
    if libc.unshare(CLONE_NEWNET) != 0:
        raise SystemExit("unshare(CLONE_NEWNET): " + os.strerror(ctypes.get_errno()))
    far = tun("bwfar")
    up("bwfar", FAR, NEAR)
    shape("bwfar", "20mbit")
    delay = 0.025
    print("ready %d" % os.getpid(), flush=True)

    def reshape(rate):
        # tc for the near device runs in the near namespace, through the handle kept above
        subprocess.run(["nsenter", "--net=/proc/%d/fd/%d" % (os.getpid(), near_ns), "tc", "qdisc", "replace",
                        "dev", "bwnear", "root", "tbf", "rate", rate, "burst",
                        str(max(3200, parse_rate(rate) // 8 // 100)), "latency", "2s"], check=True)
        shape("bwfar", rate)

    # BITWEB_DELAYLINE_LOG=FILE: one line per packet (ms since the last mark, direction, TCP flags, payload)
    trace = open(os.environ["BITWEB_DELAYLINE_LOG"], "a") if os.environ.get("BITWEB_DELAYLINE_LOG") else None
    marked = time.monotonic()
    queue = []  # (due, seq, fd to write, packet)
    seq = 0
    flights = 0
    answered = 0
    far_spoke = True  # the first near->far packet with data is a flight
    counts = {near: 0, far: 0}
    stdin = sys.stdin.fileno()
    os.set_blocking(stdin, False)
    pending = b""
    while True:
        timeout = None
        if queue:
            timeout = max(0.0, queue[0][0] - time.monotonic())
        readable, _, _ = select.select([near, far, stdin], [], [], timeout)
        now = time.monotonic()
        for fd in readable:
            if fd == stdin:
                chunk = os.read(stdin, 4096)
                if not chunk:
                    return 0
                pending += chunk
                while b"\n" in pending:
                    line, pending = pending.split(b"\n", 1)
                    words = line.decode().split()
                    if not words:
                        continue
                    if words[0] == "profile":
                        delay = float(words[1]) / 1000
                        reshape(words[2])
                        print("ok", flush=True)
                    elif words[0] == "mark":
                        flights, answered, far_spoke, counts = 0, 0, True, {near: 0, far: 0}
                        marked = time.monotonic()
                        if trace:
                            trace.write("mark\n")
                        print("ok", flush=True)
                    elif words[0] == "count":
                        print("count %d %d %d %d" % (answered, flights, counts[near], counts[far]), flush=True)
                    else:
                        print("error unknown command", flush=True)
                continue
            while True:
                try:
                    packet = os.read(fd, 65536)
                except BlockingIOError:
                    break
                counts[fd] += 1
                if trace:
                    trace.write("%.1f %s %s\n" % ((now - marked) * 1000, ">" if fd == near else "<", describe(packet)))
                    trace.flush()
                if carries(packet):
                    if fd == near:
                        if far_spoke:
                            flights += 1
                            far_spoke = False
                    else:
                        if not far_spoke:
                            answered += 1
                        far_spoke = True
                seq += 1
                heapq.heappush(queue, (now + delay, seq, far if fd == near else near, packet))
        now = time.monotonic()
        while queue and queue[0][0] <= now:
            _, _, out, packet = heapq.heappop(queue)
            try:
                os.write(out, packet)
            except OSError as e:
                log("dropped a packet:", e)


if __name__ == "__main__":
    sys.exit(main())
