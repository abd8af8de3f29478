#!/usr/bin/env python3
"""libtorrent's side of the BEP 44/46 interop tests (LibtorrentInteropTest).

  lt_mutable.py get BIND BOOTSTRAP KEY_HEX SALT_HEX TIMEOUT
      joins the DHT through BOOTSTRAP (ip:port,...), gets the mutable item under KEY and SALT
      with libtorrent's dht_get_mutable_item (which verifies the signature) and prints one JSON
      line: {"found", "seq", "ih", "signature", "authoritative", "value_keys"}.
  lt_mutable.py put BIND BOOTSTRAP DATA SALT_HEX TIMEOUT SECRET_HEX PUBLIC_HEX
      puts DATA (a string: the Python binding can put nothing else) under the given key (the
      64-byte expanded ed25519 secret libtorrent signs with; its Python binding cannot make keys)
      and prints {"seq", "nodes"} once libtorrent reports the put.

Runs in the testnet's network namespace (a child of the test JVM); stdout carries the result only.
"""
import json
import re
import sys
import time

import libtorrent as lt


def session(bind, bootstrap):
    ses = lt.session({
        'listen_interfaces': bind + ':6881',
        'enable_dht': True,
        'enable_lsd': False,
        'enable_upnp': False,
        'enable_natpmp': False,
        # no routers: libtorrent never enters a router into its routing table, and on the testnet
        # every node there is would be one; they are added as ordinary nodes below instead
        'dht_bootstrap_nodes': '',
        # every testnet node lives in 198.18.0.0/24, a benchmarking range
        'dht_restrict_routing_ips': False,
        'dht_restrict_search_ips': False,
        'dht_ignore_dark_internet': False,
        'alert_mask': lt.alert.category_t.dht_notification | lt.alert.category_t.error_notification
                      | lt.alert.category_t.status_notification,
    })
    for node in filter(None, bootstrap.split(',')):
        host, port = node.rsplit(':', 1)
        ses.add_dht_node((host, int(port)))
    return ses


def wait_for_nodes(ses, deadline, wanted=5):
    while time.time() < deadline:
        ses.post_dht_stats()
        for a in ses.pop_alerts():
            if isinstance(a, lt.dht_stats_alert):
                nodes = sum(b['num_nodes'] for b in a.routing_table)
                if nodes >= wanted:
                    return nodes
        time.sleep(0.1)
    return 0


def text(value):
    return value.decode('latin-1') if isinstance(value, bytes) else value


def get(ses, key_hex, salt_hex, deadline):
    ses.dht_get_mutable_item(bytes.fromhex(key_hex), bytes.fromhex(salt_hex))
    best = None
    while time.time() < deadline:
        ses.wait_for_alert(200)
        for a in ses.pop_alerts():
            if isinstance(a, lt.dht_mutable_item_alert):
                try:
                    item = a.item
                except RuntimeError:
                    # the binding cannot turn a binary string (the 20-byte ih) into Python; the
                    # alert's message prints the same entry, binary strings in hex
                    item = None
                    message = a.message()
                    found = re.search(r"'ih'\s*:\s*'([0-9a-fA-F]{40})'", message)
                    print(message, file=sys.stderr)
                result = {'found': True, 'seq': a.seq, 'authoritative': a.authoritative,
                          'signature': bytes(a.signature).hex() if not isinstance(a.signature, str)
                          else a.signature.encode('latin-1').hex()}
                if item is None and found:
                    result['ih'] = found.group(1).lower()
                    result['value_keys'] = ['ih']
                if isinstance(item, dict):
                    keys = {text(k): v for k, v in item.items()}
                    result['value_keys'] = sorted(keys)
                    ih = keys.get('ih')
                    if ih is not None:
                        result['ih'] = (ih if isinstance(ih, bytes) else ih.encode('latin-1')).hex()
                if best is None or result['seq'] >= best['seq']:
                    best = result
                if a.authoritative:
                    return best
    return best or {'found': False}


def put(ses, data, salt_hex, deadline, secret_hex, public_hex):
    ses.dht_put_mutable_item(bytes.fromhex(secret_hex), bytes.fromhex(public_hex), data.encode(), bytes.fromhex(salt_hex))
    while time.time() < deadline:
        ses.wait_for_alert(200)
        for a in ses.pop_alerts():
            if isinstance(a, lt.dht_put_alert):
                return {'seq': a.seq, 'nodes': a.num_success}
    return {'nodes': 0}


def main():
    mode, bind, bootstrap, arg, salt_hex, timeout = sys.argv[1:7]
    keys = sys.argv[7:9]
    deadline = time.time() + float(timeout)
    ses = session(bind, bootstrap)
    if not wait_for_nodes(ses, deadline):
        print(json.dumps({'error': 'no DHT node answered'}))
        return 1
    result = get(ses, arg, salt_hex, deadline) if mode == 'get' else put(ses, arg, salt_hex, deadline, *keys)
    print(json.dumps(result), flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
