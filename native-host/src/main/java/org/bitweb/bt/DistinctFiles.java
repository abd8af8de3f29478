package org.bitweb.bt;

import bt.metainfo.IMetadataService;
import bt.metainfo.MetadataService;
import bt.metainfo.Torrent;
import bt.metainfo.TorrentFile;
import bt.metainfo.TorrentId;
import bt.metainfo.TorrentSource;
import bt.tracker.AnnounceKey;

import java.io.InputStream;
import java.net.URL;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * bt's metadata parser, with every file of a torrent a distinct object.
 *
 * <p>bt 1.10 takes two files with the same path and size for one (its {@code DefaultTorrentFile}
 * is a value) and fails to start the torrent. BEP 47 pad files of the same length share a name
 * ({@code .pad/16384}), so BitWeb's own sites and libtorrent's hybrid torrents hit this whenever
 * two files need the same padding. Pad files are never on disk ((site.SafeStorage)), so telling
 * them apart by identity is all bt needs.
 */
public final class DistinctFiles implements IMetadataService {
    private final IMetadataService parser;

    public DistinctFiles() {
        this(new MetadataService());
    }

    DistinctFiles(IMetadataService parser) {
        this.parser = parser;
    }

    @Override
    public Torrent fromUrl(URL url) {
        return distinct(parser.fromUrl(url));
    }

    @Override
    public Torrent fromInputStream(InputStream in) {
        return distinct(parser.fromInputStream(in));
    }

    @Override
    public Torrent fromByteArray(byte[] bytes) {
        return distinct(parser.fromByteArray(bytes));
    }

    static Torrent distinct(Torrent torrent) {
        List<TorrentFile> files = torrent.getFiles();
        Set<TorrentFile> seen = new HashSet<>();
        boolean repeated = false;
        for (TorrentFile file : files) {
            repeated |= !seen.add(file);
        }
        if (!repeated) {
            return torrent;
        }
        List<TorrentFile> own = new ArrayList<>(files.size());
        for (TorrentFile file : files) {
            own.add(new TorrentFile() { // equal to itself only
                @Override
                public long getSize() {
                    return file.getSize();
                }

                @Override
                public List<String> getPathElements() {
                    return file.getPathElements();
                }

                @Override
                public String toString() {
                    return file.toString();
                }
            });
        }
        List<TorrentFile> fixed = List.copyOf(own);
        return new Torrent() {
            @Override
            public TorrentSource getSource() {
                return torrent.getSource();
            }

            @Override
            public Optional<AnnounceKey> getAnnounceKey() {
                return torrent.getAnnounceKey();
            }

            @Override
            public TorrentId getTorrentId() {
                return torrent.getTorrentId();
            }

            @Override
            public String getName() {
                return torrent.getName();
            }

            @Override
            public long getChunkSize() {
                return torrent.getChunkSize();
            }

            @Override
            public Iterable<byte[]> getChunkHashes() {
                return torrent.getChunkHashes();
            }

            @Override
            public long getSize() {
                return torrent.getSize();
            }

            @Override
            public List<TorrentFile> getFiles() {
                return fixed;
            }

            @Override
            public boolean isPrivate() {
                return torrent.isPrivate();
            }

            @Override
            public Optional<Instant> getCreationDate() {
                return torrent.getCreationDate();
            }

            @Override
            public Optional<String> getCreatedBy() {
                return torrent.getCreatedBy();
            }
        };
    }
}
