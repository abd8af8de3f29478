package org.bitweb.site;

import bt.data.ChunkDescriptor;
import bt.data.ChunkVerifier;
import bt.data.DefaultChunkVerifier;
import bt.data.LocalBitfield;
import bt.data.digest.SHA1Digester;
import com.fasterxml.jackson.databind.JsonNode;
import org.bitweb.json.Json;
import org.bitweb.store.AtomicFiles;
import org.bitweb.torrent.DataLayout;
import org.bitweb.torrent.TorrentInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fast resume: which pieces of a site are verified is recorded beside its files
 * ({@code resume.json}, with each file's size and modification time). When bt checks a site's
 * data at start, pieces the record vouches for are taken as verified without hashing, as long as
 * every file still has the recorded size and time; a file that changed on disk voids the record
 * and the site is hashed in full. Without this, bt re-hashes every seeded site at every start,
 * which grows without bound with the number of sites.
 */
public final class FastResume implements ChunkVerifier {
    private static final Logger log = LoggerFactory.getLogger(FastResume.class);
    static final String FILE = "resume.json";

    /** Sites up to this many bytes are hashed on the thread that checks them, not by bt's pool. */
    static final long SMALL_SITE = 8L << 20;

    private final ChunkVerifier hashing;
    private final Map<String, BitSet> offered = new ConcurrentHashMap<>();
    private final Map<String, Integer> hashedAtStart = new ConcurrentHashMap<>();
    private final java.util.Set<String> empty = ConcurrentHashMap.newKeySet();

    /** @param hashingThreads threads that hash a site bt checks in full (bt's own setting, which this verifier replaces) */
    public FastResume(int hashingThreads) {
        this.hashing = new DefaultChunkVerifier(SHA1Digester.newDigester(), hashingThreads);
    }

    /**
     * Reads a site's record and, if the files on disk still match it, offers its verified pieces
     * to the next check of that site.
     *
     * @return true when the record was valid and offered
     */
    public boolean offer(String site, Path siteDir, TorrentInfo info) {
        Path record = siteDir.resolve(FILE);
        try {
            JsonNode json = Json.MAPPER.readTree(Files.readAllBytes(record));
            if (!info.infohash().equals(json.path("infohash").asText())) {
                return false;
            }
            JsonNode files = json.path("files");
            if (files.size() != info.files().size()) {
                return false;
            }
            Path data = siteDir.resolve(SiteFiles.DATA);
            for (int i = 0; i < info.files().size(); i++) {
                TorrentInfo.TorrentFile file = info.files().get(i);
                JsonNode recorded = files.get(i);
                long[] stamp = stamp(DataLayout.path(data, info, file));
                if (stamp[0] != recorded.path("size").asLong(-2) || stamp[1] != recorded.path("mtime").asLong(-2)) {
                    log.warn("a site's file changed on disk since it was last checked; checking the whole site again");
                    log.debug("... {} of {}", file.joined(), site);
                    Files.deleteIfExists(record);
                    return false;
                }
            }
            BitSet verified = BitSet.valueOf(Base64.getDecoder().decode(json.path("verified").asText()));
            offered.put(site, verified);
            return true;
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException | RuntimeException e) {
            log.warn("unreadable fast-resume record ({}); checking the site's data instead", e.toString());
            return false;
        }
    }

    /**
     * The pieces a site's record says are verified, if its files still look as recorded: what bt
     * will trust at the site's next start and so never write again.
     */
    public static Optional<BitSet> recorded(Path siteDir, TorrentInfo info) {
        try {
            JsonNode json = Json.MAPPER.readTree(Files.readAllBytes(siteDir.resolve(FILE)));
            JsonNode files = json.path("files");
            if (!info.infohash().equals(json.path("infohash").asText()) || files.size() != info.files().size()) {
                return Optional.empty();
            }
            Path data = siteDir.resolve(SiteFiles.DATA);
            for (int i = 0; i < info.files().size(); i++) {
                long[] stamp = stamp(DataLayout.path(data, info, info.files().get(i)));
                if (stamp[0] != files.get(i).path("size").asLong(-2) || stamp[1] != files.get(i).path("mtime").asLong(-2)) {
                    return Optional.empty();
                }
            }
            return Optional.of(BitSet.valueOf(Base64.getDecoder().decode(json.path("verified").asText())));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Offers pieces known complete (hashed by whoever put them there) to the site's first check. */
    public void offerPieces(String site, BitSet verified) {
        offered.put(site, (BitSet) verified.clone());
    }

    /** Tells the site's first check that nothing is on disk yet: there is nothing to look at. */
    public void offerNothing(String site) {
        empty.add(site);
    }

    /** Records the verified pieces and the files' current sizes and times, atomically. */
    public static void save(Path siteDir, TorrentInfo info, BitSet verified) throws IOException {
        Path data = siteDir.resolve(SiteFiles.DATA);
        List<Map<String, Object>> files = new ArrayList<>();
        for (TorrentInfo.TorrentFile file : info.files()) {
            long[] stamp = stamp(DataLayout.path(data, info, file));
            files.add(Map.of("path", file.joined(), "size", stamp[0], "mtime", stamp[1]));
        }
        Map<String, Object> record = Map.of("infohash", info.infohash(),
                "verified", Base64.getEncoder().encodeToString(verified.toByteArray()),
                "files", files);
        AtomicFiles.write(siteDir.resolve(FILE), Json.bytes(record));
    }

    /** A file's size and modification time in milliseconds, one stat; -1, -1 when it is not there. */
    private static long[] stamp(Path file) throws IOException {
        try {
            java.nio.file.attribute.BasicFileAttributes attributes =
                    Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class);
            return new long[]{attributes.size(), attributes.lastModifiedTime().toMillis()};
        } catch (NoSuchFileException e) {
            return new long[]{-1, -1};
        }
    }

    public static BitSet all(int pieces) {
        BitSet set = new BitSet(pieces);
        set.set(0, pieces);
        return set;
    }

    /** How many pieces of a site bt had to hash at its last start (for tests and status). */
    public int hashedAtStart(String site) {
        return hashedAtStart.getOrDefault(site, -1);
    }

    @Override
    public boolean verify(List<ChunkDescriptor> chunks, LocalBitfield bitfield) {
        chunks.forEach(FastResume::markPadding);
        String site = chunks.isEmpty() ? null : siteOf(chunks.get(0));
        if (site != null && empty.remove(site)) {
            // a site seen for the first time: looking at each piece's files (a stat per file per
            // piece) would only find nothing, and cost more the bigger the site
            hashedAtStart.put(site, 0);
            return false;
        }
        BitSet trusted = site == null ? null : offered.remove(site);
        if (trusted == null) {
            if (site != null) {
                hashedAtStart.put(site, chunks.size());
            }
            if (size(chunks) > SMALL_SITE) {
                return hashing.verify(chunks, bitfield);
            }
            // bt's verifier makes a thread pool for every site it checks and then asks for a
            // full collection (System.gc()): at 1,000 tiny sites with no record, 2,000 threads and
            // 1,000 collections for a few milliseconds of hashing. A small site is hashed here.
            boolean all = true;
            for (int i = 0; i < chunks.size(); i++) {
                if (hasData(chunks.get(i)) && hashing.verify(chunks.get(i))) {
                    bitfield.markLocalPieceVerified(i);
                } else {
                    all = false;
                }
            }
            return all;
        }
        int hashed = 0;
        boolean all = true;
        for (int i = 0; i < chunks.size(); i++) {
            ChunkDescriptor chunk = chunks.get(i);
            if (trusted.get(i)) {
                bitfield.markLocalPieceVerified(i);
            } else if (hasData(chunk) && hashing.verifyIfPresent(chunk)) {
                hashed++;
                bitfield.markLocalPieceVerified(i);
            } else {
                all = false;
            }
        }
        hashedAtStart.put(site, hashed);
        return all;
    }

    @Override
    public boolean verify(ChunkDescriptor chunk) {
        return hashing.verify(chunk);
    }

    @Override
    public boolean verifyIfPresent(ChunkDescriptor chunk) {
        return hashing.verifyIfPresent(chunk);
    }

    private static long size(List<ChunkDescriptor> chunks) {
        long size = 0;
        for (ChunkDescriptor chunk : chunks) {
            size += chunk.length();
        }
        return size;
    }

    /** Whether every file under a piece has bytes on disk (else it cannot be complete: no need to hash). */
    private static boolean hasData(ChunkDescriptor chunk) {
        boolean[] empty = {false};
        chunk.getData().visitUnits((unit, off, lim) -> {
            if (lim != 0 && unit.size() == 0) {
                empty[0] = true;
                return false;
            }
            return true;
        });
        return !empty[0];
    }

    /**
     * Marks the blocks of a piece that lie wholly in pad files as present: bt (which knows nothing
     * of BEP 47) would otherwise ask peers for zeros it can make itself, up to a piece per file.
     */
    static void markPadding(ChunkDescriptor chunk) {
        List<long[]> pads = new ArrayList<>();
        long[] position = {0};
        chunk.getData().visitUnits((unit, off, lim) -> {
            long length = lim - off;
            if (unit instanceof SafeStorage.SiteUnit tagged && tagged.padding()) {
                pads.add(new long[]{position[0], position[0] + length});
            }
            position[0] += length;
            return true;
        });
        if (pads.isEmpty()) {
            return;
        }
        long blockSize = chunk.blockSize();
        long size = chunk.length();
        for (int block = 0; block < chunk.blockCount(); block++) {
            long from = block * blockSize;
            long to = Math.min(from + blockSize, size);
            for (long[] pad : pads) {
                if (pad[0] <= from && to <= pad[1] && !chunk.isPresent(block)) {
                    // written through the piece's block set (which marks the block) into the pad's zero unit
                    chunk.getData().getSubrange(from, to - from).putBytes(new byte[(int) (to - from)]);
                    break;
                }
            }
        }
    }

    private static String siteOf(ChunkDescriptor chunk) {
        String[] site = {null};
        chunk.getData().visitUnits((unit, off, lim) -> {
            if (unit instanceof SafeStorage.SiteUnit tagged) {
                site[0] = tagged.site;
            }
            return false;
        });
        return site[0];
    }
}
