#!/usr/bin/python3
"""Seeds a folder (or a given torrent) with libtorrent on loopback only (see ltcommon).

  lt_seed.py --folder DIR [--kind v1|hybrid] [--write-torrent FILE] [--port P]
  lt_seed.py --torrent FILE --save DIR [--port P]

With --folder the torrent is made here (named after the folder; v1 by default, as BitWeb's bt
engine reads only v1; "hybrid" is what libtorrent 2 makes by default) and the data is the folder
itself. Prints "ready <port> <v1 infohash hex>" on stdout once listening and the data is checked,
then seeds until stdin is closed (so it dies with its parent). Diagnostics go to stderr.
"""
import argparse
import os
import sys
import threading
import time

import libtorrent as lt

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ltcommon  # noqa: E402
from ltcommon import log  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--folder")
    p.add_argument("--kind", default="v1", choices=["v1", "hybrid"])
    p.add_argument("--piece-size", type=int, default=0, help="0 lets libtorrent choose")
    p.add_argument("--write-torrent")
    p.add_argument("--torrent")
    p.add_argument("--save")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--bind", default="127.0.0.1")
    p.add_argument("--encryption", default="enabled", choices=["enabled", "disabled", "forced"])
    p.add_argument("--quiet", action="store_true", help="no per-peer alerts")
    args = p.parse_args()

    atp = lt.add_torrent_params()
    if args.folder:
        folder = os.path.abspath(args.folder)
        data = ltcommon.make_torrent(folder, args.kind, args.piece_size)
        if args.write_torrent:
            with open(args.write_torrent, "wb") as f:
                f.write(data)
        atp.ti = lt.torrent_info(lt.bdecode(data))
        atp.save_path = os.path.dirname(folder)
        # just hashed: skip the re-check; seed mode still verifies each piece before its first upload
        atp.flags |= lt.torrent_flags.seed_mode
    elif args.torrent and args.save:
        atp.ti = lt.torrent_info(args.torrent)
        atp.save_path = os.path.abspath(args.save)
    else:
        p.error("give --folder, or --torrent and --save")
    atp.flags = atp.flags & ~lt.torrent_flags.auto_managed & ~lt.torrent_flags.paused
    atp.flags |= lt.torrent_flags.disable_dht | lt.torrent_flags.disable_lsd | lt.torrent_flags.disable_pex

    ses = ltcommon.session(args.bind, args.port, args.encryption)
    port = ltcommon.wait_listening(ses)
    h = ses.add_torrent(atp)
    deadline = time.monotonic() + 300
    while True:
        st = h.status()
        if st.errc.value() != 0:
            log("lt_seed: torrent error:", st.errc.message())
            return 2
        if st.is_seeding:
            break
        if time.monotonic() > deadline:
            log("lt_seed: data not complete after checking (%.1f%%): wrong folder?" % (st.progress * 100))
            return 2
        ses.wait_for_alert(100)
        ltcommon.report_alerts(ses, args.quiet)
    ih = str(atp.ti.info_hashes().v1)
    log("lt_seed: seeding %s (%d bytes, %d pieces of %d) as %s on %s:%d"
        % (atp.ti.name(), atp.ti.total_size(), atp.ti.num_pieces(), atp.ti.piece_length(), ih, args.bind, port))
    print("ready %d %s" % (port, ih), flush=True)

    stop = threading.Event()

    def watch_stdin():
        try:
            while sys.stdin.buffer.read(4096):
                pass
        finally:
            stop.set()

    threading.Thread(target=watch_stdin, daemon=True).start()
    last = 0.0
    while not stop.is_set():
        ses.wait_for_alert(200)
        ltcommon.report_alerts(ses, args.quiet)
        now = time.monotonic()
        if now - last >= 5:
            st = h.status()
            log("lt_seed: %d peers, uploaded %d bytes, %.1f MB/s" % (st.num_peers, st.total_upload, st.upload_rate / 1e6))
            last = now
    log("lt_seed: stdin closed, stopping")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except SystemExit:
        raise
    except BaseException as e:  # noqa: BLE001
        log("lt_seed: error: %r" % (e,))
        sys.exit(2)
