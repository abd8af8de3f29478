package org.bitweb.bt;

import bt.data.Storage;
import bt.metainfo.Torrent;
import bt.metainfo.TorrentId;
import bt.torrent.TorrentDescriptor;
import bt.torrent.TorrentRegistry;
import bt.torrent.TorrentSessionState;
import bt.torrent.callbacks.FileDownloadCompleteCallback;

import java.util.Collection;
import java.util.Objects;
import java.util.Optional;

/**
 * bt's torrent registry as one of its services sees it: everything passes through to the real
 * registry unless a subclass narrows it (the handshakes see only shared sites, the peer round
 * only torrents that need one). bt's services take the registry in their constructors, so a
 * view is how one of them is given less without changing bt.
 */
public abstract class TorrentRegistryView implements TorrentRegistry {
    protected final TorrentRegistry all;

    protected TorrentRegistryView(TorrentRegistry all) {
        this.all = Objects.requireNonNull(all, "all");
    }

    @Override
    public Collection<Torrent> getTorrents() {
        return all.getTorrents();
    }

    @Override
    public Collection<TorrentId> getTorrentIds() {
        return all.getTorrentIds();
    }

    @Override
    public Optional<Torrent> getTorrent(TorrentId id) {
        return all.getTorrent(id);
    }

    @Override
    @SuppressWarnings("deprecation")
    public Optional<TorrentDescriptor> getDescriptor(Torrent torrent) {
        return all.getDescriptor(torrent);
    }

    @Override
    public Optional<TorrentDescriptor> getDescriptor(TorrentId id) {
        return all.getDescriptor(id);
    }

    @Override
    public TorrentDescriptor getOrCreateDescriptor(Torrent torrent, Storage storage) {
        return all.getOrCreateDescriptor(torrent, storage);
    }

    @Override
    public TorrentDescriptor register(Torrent torrent, Storage storage, FileDownloadCompleteCallback callback) {
        return all.register(torrent, storage, callback);
    }

    @Override
    public void registerSessionState(TorrentId id, TorrentSessionState state) {
        all.registerSessionState(id, state);
    }

    @Override
    public TorrentDescriptor register(TorrentId id) {
        return all.register(id);
    }

    @Override
    public boolean isSupportedAndActive(TorrentId id) {
        return all.isSupportedAndActive(id);
    }
}
