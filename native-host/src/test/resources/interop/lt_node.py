#!/usr/bin/env python3
"""A libtorrent node of the mixed DHT testnet (MixedTestnet, docs/DHT.md).

  lt_node.py BIND BOOTSTRAP(ip:port,...)

A libtorrent 2.0 session with only the DHT on (no torrents, no LSD, UPnP or NAT-PMP), as a child
of the test JVM in its network namespace, for as long as the test needs it. It does what the test
asks over stdin, one JSON object a line, and answers one JSON line on stdout carrying the
request's "id" (dht_node.mjs speaks the same):

  {"id":1,"op":"nodes"}                                          -> {"id":1,"nodes":<routing table size>}
  {"id":6,"op":"stats"}                                          -> {"id":6,"messagesOut":n,"getOut":n,"putOut":n}
  {"id":2,"op":"put","secret":hex64,"public":hex,"salt":hex,"text":s}
                                                                  -> {"id":2,"nodes":<took it>,"seq":n}
  {"id":3,"op":"get","key":hex,"salt":hex}                       -> {"id":3,"found":bool,"seq":n,"ih":hex,"text":s}
  {"id":4,"op":"announce","infohash":hex}                        -> {"id":4,"ok":true,"port":<announced>}
  {"id":5,"op":"peers","infohash":hex}                            -> {"id":5,"peers":["ip:port",...]}

Every request may carry "timeout" (seconds, default 15): an operation libtorrent has not finished
by then answers with what it has. The Python binding can put strings only (not {ih}) and cannot
make keys: "secret" is the 64-byte expanded ed25519 secret libtorrent signs with.
The first line printed is {"listening": "<ip>:6881"}.
"""
import json
import re
import select
import sys
import tempfile
import time

import libtorrent as lt


def out(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def main():
    bind, bootstrap = sys.argv[1:3]
    ses = lt.session({
        'listen_interfaces': bind + ':6881',
        'outgoing_interfaces': bind,
        'enable_dht': True,
        'enable_lsd': False,
        'enable_upnp': False,
        'enable_natpmp': False,
        'enable_ip_notifier': False,
        # no routers: libtorrent never enters a router into its routing table, and on a testnet
        # every node there is would be one (see add_dht_node below)
        'dht_bootstrap_nodes': '',
        # every testnet node lives in 198.18.0.0/24, a benchmarking range, many in one /24
        'dht_restrict_routing_ips': False,
        'dht_restrict_search_ips': False,
        'dht_ignore_dark_internet': False,
        'dht_prefer_verified_node_ids': False,
        'alert_mask': lt.alert.category_t.dht_notification | lt.alert.category_t.dht_operation_notification
                      | lt.alert.category_t.error_notification
                      | lt.alert.category_t.status_notification | lt.alert.category_t.stats_notification,
    })
    # the nodes to join through, as ordinary nodes: pinged, and kept in the table once they answer
    for node in filter(None, bootstrap.split(',')):
        host, port = node.rsplit(':', 1)
        ses.add_dht_node((host, int(port)))
    out({'listening': bind + ':6881'})
    pending = []  # (kind, match, request, deadline, state)
    stdin_open = True
    while stdin_open or pending:
        readable = []
        if stdin_open:
            readable, _, _ = select.select([sys.stdin], [], [], 0.05)
        else:
            time.sleep(0.05)
        if readable:
            line = sys.stdin.readline()
            if not line:
                stdin_open = False
                break
            try:
                m = json.loads(line)
            except ValueError:
                out({'error': 'not JSON: ' + line.strip()})
                continue
            deadline = time.time() + float(m.get('timeout', 15))
            op = m.get('op')
            if op == 'nodes':
                ses.post_dht_stats()
                pending.append(('nodes', None, m, deadline, {}))
            elif op == 'stats':
                ses.post_session_stats()
                pending.append(('stats', None, m, deadline, {}))
            elif op == 'put':
                public = bytes.fromhex(m['public'])
                salt = bytes.fromhex(m.get('salt') or '')
                ses.dht_put_mutable_item(bytes.fromhex(m['secret']), public, m['text'].encode(), salt)
                pending.append(('put', (public, salt), m, deadline, {}))
            elif op == 'get':
                public = bytes.fromhex(m['key'])
                salt = bytes.fromhex(m.get('salt') or '')
                ses.dht_get_mutable_item(public, salt)
                pending.append(('get', (public, salt), m, deadline, {'best': None}))
            elif op == 'announce':
                # the binding's dht_announce takes a flags type it does not export: announce the
                # way a libtorrent client does, by adding the torrent (a magnet without trackers),
                # which announces our listen port through the DHT
                params = lt.add_torrent_params()
                params.info_hashes = lt.info_hash_t(lt.sha1_hash(bytes.fromhex(m['infohash'])))
                params.save_path = tempfile.mkdtemp(prefix='lt-node-')
                params.flags &= ~lt.torrent_flags.paused & ~lt.torrent_flags.auto_managed
                ses.add_torrent(params)
                out({'id': m.get('id'), 'ok': True, 'port': ses.listen_port()})
            elif op == 'peers':
                ih = lt.sha1_hash(bytes.fromhex(m['infohash']))
                ses.dht_get_peers(ih)
                pending.append(('peers', str(ih), m, deadline, {}))
            else:
                out({'id': m.get('id'), 'error': 'unknown op %s' % op})
        for a in ses.pop_alerts():
            handle(a, pending)
        now = time.time()
        for p in list(pending):
            kind, _, m, deadline, state = p
            if now > deadline:
                pending.remove(p)
                if kind == 'get':
                    out(dict(state['best'] or {'found': False}, id=m.get('id')))
                elif kind == 'nodes':
                    ses.post_dht_stats()
                    out({'id': m.get('id'), 'error': 'no DHT stats'})
                else:
                    out({'id': m.get('id'), 'error': 'timed out', 'nodes': 0, 'peers': []})
    return 0


def bytes_of(value):
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode('latin-1')
    return bytes(value)


def handle(a, pending):
    if isinstance(a, lt.dht_stats_alert):
        nodes = sum(b['num_nodes'] for b in a.routing_table)
        for p in [p for p in pending if p[0] == 'nodes']:
            pending.remove(p)
            out({'id': p[2].get('id'), 'nodes': nodes})
    elif isinstance(a, lt.session_stats_alert):
        values = a.values
        for p in [p for p in pending if p[0] == 'stats']:
            pending.remove(p)
            out({'id': p[2].get('id'), 'messagesOut': values.get('dht.dht_messages_out', 0),
                 'getOut': values.get('dht.dht_get_out', 0), 'putOut': values.get('dht.dht_put_out', 0)})
    elif isinstance(a, lt.dht_put_alert):
        for p in [p for p in pending if p[0] == 'put' and p[1] == (bytes_of(a.public_key), bytes_of(a.salt))]:
            pending.remove(p)
            out({'id': p[2].get('id'), 'nodes': a.num_success, 'seq': a.seq})
    elif isinstance(a, lt.dht_mutable_item_alert):
        for p in [p for p in pending if p[0] == 'get' and p[1] == (bytes_of(a.key), bytes_of(a.salt))]:
            state = p[4]
            result = {'found': True, 'seq': a.seq, 'sig': bytes_of(a.signature).hex()}
            try:
                item = a.item
            except RuntimeError:
                # the binding cannot turn a binary string (the 20-byte ih) into Python; the alert's
                # message prints the same entry, binary strings in hex
                item = None
                found = re.search(r"'ih'\s*:\s*'([0-9a-fA-F]{40})'", a.message())
                if found:
                    result['ih'] = found.group(1).lower()
            if isinstance(item, dict):
                ih = {bytes_of(k): v for k, v in item.items()}.get(b'ih')
                if ih is not None:
                    result['ih'] = bytes_of(ih).hex()
            elif isinstance(item, (bytes, str)):
                result['text'] = bytes_of(item).decode('utf-8', 'replace')
            if state['best'] is None or result['seq'] >= state['best']['seq']:
                state['best'] = result
            if a.authoritative:
                pending.remove(p)
                out(dict(state['best'], id=p[2].get('id')))
    elif isinstance(a, lt.dht_get_peers_reply_alert):
        for p in [p for p in pending if p[0] == 'peers' and p[1] == str(a.info_hash)]:
            pending.remove(p)
            out({'id': p[2].get('id'), 'peers': ['%s:%d' % (ip, port) for ip, port in a.peers()]})


if __name__ == '__main__':
    sys.exit(main())
