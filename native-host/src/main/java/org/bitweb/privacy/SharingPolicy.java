package org.bitweb.privacy;

import bt.metainfo.TorrentId;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which sites this engine shares. Visitor mode is the default for every site the user did not
 * publish or choose to seed: it is downloaded, but no piece of it is served to anyone, no
 * incoming connection for it is accepted, and no bitfield reveals what is held.
 */
public final class SharingPolicy {
    private final Set<TorrentId> shared = ConcurrentHashMap.newKeySet();

    public void share(TorrentId torrent) {
        shared.add(torrent);
    }

    public void withdraw(TorrentId torrent) {
        shared.remove(torrent);
    }

    public boolean shares(TorrentId torrent) {
        return shared.contains(torrent);
    }

    /** The torrents shared now (a copy): what LAN discovery may announce. */
    public Set<TorrentId> snapshot() {
        return Set.copyOf(shared);
    }
}
