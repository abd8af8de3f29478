#!/usr/bin/python3
"""A cold visit with libtorrent, the anchor of bench/run.sh latency: a session that knows only a
site's infohash and one peer fetches the metadata (BEP 9) and then only the piece(s) of one file.

  lt_visit.py --infohash HEX --layout SITE.torrent --peer HOST:PORT --file index.html --bind ADDR [--timeout S]

Prints "done <ms> <bytes> <ms from adding>" on stdout: milliseconds from libtorrent's connection
attempt to the file's last piece verified, the file's size, and milliseconds from adding the
torrent (the session already listening; libtorrent connects to a peer given by hand only at its
next one-second tick, ~0.5 s later, which the first figure leaves out). Exit 1 on timeout.
"""
import argparse
import os
import sys
import tempfile
import time

import libtorrent as lt

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "../../native-host/src/test/resources/interop"))
import ltcommon  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--infohash", required=True)
    p.add_argument("--peer", required=True)
    p.add_argument("--file", default="index.html")
    p.add_argument("--layout", required=True,
                   help="the site's .torrent, read here only to find the file's index: libtorrent is given the"
                        " infohash alone and fetches the metadata from the peer")
    p.add_argument("--bind", required=True)
    p.add_argument("--timeout", type=float, default=30)
    args = p.parse_args()
    host, _, port = args.peer.rpartition(":")
    ses = ltcommon.session(args.bind, 0, "disabled")
    ses.apply_settings({"alert_mask": lt.alert.category_t.status_notification
                        | lt.alert.category_t.piece_progress_notification | lt.alert.category_t.error_notification
                        | lt.alert.category_t.connect_notification
                        | (lt.alert.category_t.peer_log_notification if os.environ.get("BITWEB_LT_DEBUG") == "1" else 0)})
    ltcommon.wait_listening(ses)
    save = tempfile.mkdtemp(prefix="bitweb-ltvisit-")
    atp = lt.parse_magnet_uri("magnet:?xt=urn:btih:" + args.infohash)
    atp.save_path = save
    atp.flags = atp.flags & ~lt.torrent_flags.auto_managed & ~lt.torrent_flags.paused
    atp.flags |= (lt.torrent_flags.disable_dht | lt.torrent_flags.disable_lsd | lt.torrent_flags.disable_pex
                  )
    # only the one file, from the start: a torrent whose files are all skipped is "finished" and drops its seeds
    layout = lt.torrent_info(args.layout).files()
    priorities = [0] * layout.num_files()
    priorities[next(i for i in range(layout.num_files())
                    if layout.file_path(i).replace("\\", "/").endswith("/" + args.file))] = 7
    atp.file_priorities = priorities
    start = time.monotonic()
    h = ses.add_torrent(atp)
    h.connect_peer((host, int(port)))
    deadline = start + args.timeout
    wanted = None
    connected = None
    size = 0
    while time.monotonic() < deadline:
        ses.wait_for_alert(5)
        for a in ses.pop_alerts():
            if os.environ.get("BITWEB_LT_DEBUG") == "1":
                ltcommon.log("lt_visit: %.1f ms" % ((time.monotonic() - start) * 1000), a.what(), a.message())
            if isinstance(a, lt.peer_connect_alert) and connected is None:
                connected = time.monotonic()
            elif isinstance(a, lt.metadata_received_alert):
                ti = h.torrent_file()
                fs = ti.files()
                index = next(i for i in range(fs.num_files()) if fs.file_path(i).replace("\\", "/").endswith("/" + args.file))
                size = fs.file_size(index)
                first = ti.map_file(index, 0, 1).piece
                last = ti.map_file(index, max(0, size - 1), 1).piece
                wanted = set(range(first, last + 1))
                for piece in wanted:
                    h.set_piece_deadline(piece, 0)
            elif isinstance(a, lt.piece_finished_alert) and wanted is not None:
                wanted.discard(a.piece_index)
                if not wanted:
                    now = time.monotonic()
                    print("done %.1f %d %.1f" % ((now - (connected or start)) * 1000, size, (now - start) * 1000),
                          flush=True)
                    return 0
    st = h.status()
    ltcommon.log("lt_visit: timeout: metadata %s, %d peers, state %s, wanted %s, %d bytes"
                 % (st.has_metadata, st.num_peers, st.state, wanted, st.total_wanted_done))
    print("timeout", flush=True)
    return 1


if __name__ == "__main__":
    sys.exit(main())
