"""Shared by the interop scripts: a libtorrent session that stays on loopback.

Everything that reaches beyond the given address is switched off: DHT, local service discovery,
UPnP, NAT-PMP (and the IP notifier that re-triggers them). uTP is off too: on loopback it crawls
(a few MB/s against TCP's 100+), and BitWeb's engine (bt) speaks only TCP anyway. No torrent handled
here has trackers, so nothing is announced anywhere.
"""
import os
import sys
import time

import libtorrent as lt

# libtorrent >= 2.0 create_torrent flag: v1 only (the binding does not name it)
CREATE_V1_ONLY = 64


def log(*parts):
    print(*parts, file=sys.stderr, flush=True)


def session(bind="127.0.0.1", port=0, encryption="enabled", persistent=False):
    """A loopback-only session. persistent: keep retrying a failing peer every second, as a
    test with one known peer wants (libtorrent gives a peer up after 3 failures, 60 s apart)."""
    pe = {"enabled": lt.enc_policy.enabled, "disabled": lt.enc_policy.disabled,
          "forced": lt.enc_policy.forced}[encryption]
    settings = {
        "listen_interfaces": "%s:%d" % (bind, port),
        "outgoing_interfaces": bind,
        "listen_system_port_fallback": False,
        "enable_dht": False,
        "dht_bootstrap_nodes": "",
        "enable_lsd": False,
        "enable_upnp": False,
        "enable_natpmp": False,
        "enable_ip_notifier": False,
        "enable_outgoing_utp": False,
        "enable_incoming_utp": False,
        "enable_outgoing_tcp": True,
        "enable_incoming_tcp": True,
        "out_enc_policy": pe,
        "in_enc_policy": pe,
        # every test peer shares 127.0.0.1
        "allow_multiple_connections_per_ip": True,
        "alert_mask": lt.alert.category_t.error_notification
        | lt.alert.category_t.status_notification
        | lt.alert.category_t.peer_notification
        | lt.alert.category_t.connect_notification,
    }
    if persistent:
        settings["max_failcount"] = 1000
        settings["min_reconnect_time"] = 1
    if os.environ.get("BITWEB_LT_PEER_LOG") == "1":  # libtorrent's per-peer protocol log, for debugging
        settings["alert_mask"] |= lt.alert.category_t.peer_log_notification
    ses = lt.session(settings)
    return ses


def wait_listening(ses, timeout=10.0):
    """The TCP port the session listens on, once it does (a port of 0 picks one)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ses.wait_for_alert(200)
        for a in ses.pop_alerts():
            if isinstance(a, lt.listen_succeeded_alert) and a.socket_type == lt.socket_type_t.tcp:
                return a.port
            if isinstance(a, lt.listen_failed_alert):
                raise SystemExit("listen failed: %s" % a.message())
    raise SystemExit("the session did not start listening within %.0fs" % timeout)


def report_alerts(ses, quiet=False):
    """Logs the interesting alerts (unless quiet) and returns all of them."""
    alerts = ses.pop_alerts()
    for a in alerts:
        if quiet:
            continue
        if isinstance(a, lt.peer_log_alert):
            log("peer_log:", a.message())
        elif isinstance(a, (lt.peer_connect_alert, lt.peer_disconnected_alert, lt.peer_error_alert,
                          lt.torrent_error_alert, lt.file_error_alert, lt.hash_failed_alert,
                          lt.torrent_finished_alert, lt.incoming_connection_alert)):
            log("alert:", a.what(), a.message())
    return alerts


def make_torrent(folder, kind="v1", piece_size=0):
    """Bencoded torrent of a folder (the torrent's name is the folder's name)."""
    folder = os.path.abspath(folder)
    fs = lt.file_storage()
    lt.add_files(fs, folder)
    if fs.num_files() == 0:
        raise SystemExit("no files in " + folder)
    flags = CREATE_V1_ONLY if kind == "v1" else 0
    ct = lt.create_torrent(fs, piece_size, flags=flags)
    ct.set_creator("BitWeb interop fixture")
    lt.set_piece_hashes(ct, os.path.dirname(folder))
    return lt.bencode(ct.generate())
