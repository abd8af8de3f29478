#!/usr/bin/python3
"""Downloads a torrent from known peers with libtorrent, on loopback only (see ltcommon).

  lt_download.py --torrent FILE --save DIR --peer 127.0.0.1:PORT [--peer ...] [--timeout S]

Exit 0 when every piece is verified, 1 on timeout, 2 on an error. Progress goes to stderr; on
success the last stdout line is "done <bytes> <seconds> <MB/s> <connections>": seconds from the
first connection attempt to the last piece (session start-up is not counted), and how many
connections it took (1 unless some were dropped, e.g. in a failed encryption handshake). A peer
that fails is retried every second.
"""
import argparse
import os
import sys
import time

import libtorrent as lt

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ltcommon  # noqa: E402
from ltcommon import log  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--torrent", required=True)
    p.add_argument("--save", required=True)
    p.add_argument("--peer", action="append", required=True, help="host:port, repeatable")
    p.add_argument("--timeout", type=float, default=60)
    p.add_argument("--bind", default="127.0.0.1")
    p.add_argument("--encryption", default="enabled", choices=["enabled", "disabled", "forced"])
    p.add_argument("--quiet", action="store_true", help="no per-peer alerts")
    args = p.parse_args()

    peers = []
    for spec in args.peer:
        host, _, port = spec.rpartition(":")
        peers.append((host, int(port)))

    ses = ltcommon.session(args.bind, 0, args.encryption, persistent=True)
    port = ltcommon.wait_listening(ses)
    ti = lt.torrent_info(args.torrent)
    atp = lt.add_torrent_params()
    atp.ti = ti
    atp.save_path = args.save
    atp.flags = atp.flags & ~lt.torrent_flags.auto_managed & ~lt.torrent_flags.paused
    atp.flags |= lt.torrent_flags.disable_dht | lt.torrent_flags.disable_lsd | lt.torrent_flags.disable_pex
    h = ses.add_torrent(atp)
    log("lt_download: listening on %s:%d, %s (%d bytes, %d pieces of %d), peers %s"
        % (args.bind, port, ti.name(), ti.total_size(), ti.num_pieces(), ti.piece_length(), peers))

    start = time.monotonic()
    deadline = start + args.timeout
    first_attempt = None
    connections = 0
    last_connect = 0.0
    last_report = 0.0
    while True:
        now = time.monotonic()
        st = h.status()
        if st.errc.value() != 0:
            log("lt_download: torrent error:", st.errc.message())
            return 2
        # (re)try the known peers while none is connected: the seeder may still be starting
        if st.num_peers == 0 and now - last_connect > 1.0 and not st.is_seeding:
            for peer in peers:
                h.connect_peer(peer)
            last_connect = now
            if first_attempt is None:
                first_attempt = now
        if now - last_report >= 1.0 or st.is_seeding:
            log("lt_download: %-12s %5.1f%% %d/%d bytes, %d peers, %.1f MB/s"
                % (st.state, st.progress * 100, st.total_wanted_done, st.total_wanted,
                   st.num_peers, st.download_rate / 1e6))
            last_report = now
        if st.is_seeding or (st.state in (lt.torrent_status.finished, lt.torrent_status.seeding)):
            secs = now - (first_attempt or start)
            total = ti.total_size()
            print("done %d %.3f %.2f %d" % (total, secs, total / 1e6 / max(secs, 1e-6), connections), flush=True)
            return 0
        if now > deadline:
            log("lt_download: TIMEOUT after %.0fs at %.1f%% (%d peers)" % (args.timeout, st.progress * 100, st.num_peers))
            for pi in h.get_peer_info():
                log("  peer %s:%d client=%r flags=%x down=%d" % (pi.ip[0], pi.ip[1], pi.client, pi.flags, pi.total_download))
            return 1
        ses.wait_for_alert(100)
        for a in ltcommon.report_alerts(ses, args.quiet):
            if isinstance(a, lt.peer_connect_alert):
                connections += 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except SystemExit:
        raise
    except BaseException as e:  # noqa: BLE001 - any failure must be exit 2 with a reason
        log("lt_download: error: %r" % (e,))
        sys.exit(2)
