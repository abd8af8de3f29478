package org.bitweb.comments;

import org.bitweb.address.SiteAddress;
import org.bitweb.store.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The records this engine holds, for every site, and the moderation lists of those sites.
 *
 * <p>On disk ({@code <state>/comments/}): one append-only {@link RecordLog} {@code records.log}
 * whose frames name sites and authors once and then hold each record in a compact form (the
 * canonical bencoding is rebuilt from it exactly), and {@code moderation/<site label>.bin}, each
 * list written atomically. A crash loses at most the write in progress; records that are dropped
 * (storage cap, moderation, a forgotten site) leave the log at its next rewrite, at once for a
 * forgotten site, so nothing on disk names it afterwards.
 *
 * <p>In memory: a small index entry per record (id, time, author, path, parent, where it is in the
 * log), never its body; bodies are read back when a page of comments is shown or sent.
 *
 * <p>Every rule a record must pass to be kept is applied here ({@link #add}); see
 * docs/COMMENTS.md. Thread-safe: one lock.
 */
public final class CommentStore implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CommentStore.class);
    private static final byte SITE = 'S';
    private static final byte AUTHOR = 'A';
    private static final byte FLOOR = 'F';
    private static final byte RECORD = 'R';
    /** Rewrite the log once this many bytes in it belong to dropped records, and they are half of it. */
    private static final long REWRITE_DEAD_BYTES = 4L * 1024 * 1024;
    /** When a site is over its cap, drop down to this share of it, so the next records need no sorting. */
    private static final double DROP_TO = 0.98;

    private final Path dir;
    private final Limits.Holding limits;
    private final Predicate<SiteAddress> owned;
    private final RecordLog recordLog;
    private final Map<SiteAddress, SiteState> sites = new HashMap<>();
    private final List<SiteState> sitesByIndex = new ArrayList<>();
    private final List<Bytes32> authors = new ArrayList<>();
    private final Map<Bytes32, Integer> authorIndex = new HashMap<>();
    /** Every entry by its id (ids differ across sites: the target is part of what is hashed). */
    private final EntrySet byId = new EntrySet();
    /** Records per (site, author, UTC hour) and per (site, author): one map, not one per site (10,000 sites cost too much). */
    private final LongIntMap counts = new LongIntMap();
    private long deadBytes;

    /** What happened to one offered record. */
    public record Outcome(Bytes32 id, Refusal refusal, String message) {
        public boolean added() {
            return refusal == null;
        }

        static Outcome added(Bytes32 id) {
            return new Outcome(id, null, null);
        }

        static Outcome refused(Bytes32 id, RecordException e) {
            return new Outcome(id, e.reason(), e.getMessage());
        }
    }

    private CommentStore(Path dir, Limits.Holding limits, Predicate<SiteAddress> owned, RecordLog recordLog) {
        this.dir = dir;
        this.limits = limits;
        this.owned = owned;
        this.recordLog = recordLog;
    }

    /**
     * Opens the store in {@code dir}, reading the log and the moderation lists.
     *
     * @param owned whether this machine holds a site's key: its owner's engine keeps the records it
     *              hid (unhiding brings them back), every other engine drops them
     */
    public static CommentStore open(Path dir, Predicate<SiteAddress> owned) throws IOException {
        return open(dir, Limits.DEFAULT, owned);
    }

    /** With other holding limits than every engine's: for tests that fill a site. */
    static CommentStore open(Path dir, Limits.Holding limits, Predicate<SiteAddress> owned) throws IOException {
        Files.createDirectories(dir.resolve("moderation"));
        List<RecordLog.Frame> records = new ArrayList<>();
        Loader loader = new Loader(records);
        RecordLog recordLog = RecordLog.open(dir.resolve("records.log"), loader);
        CommentStore store = new CommentStore(dir, limits, owned, recordLog);
        store.load(loader, records);
        return store;
    }

    /** Collects the log's frames at open: sites and authors at once, records for a second pass. */
    private static final class Loader implements RecordLog.Reader {
        final Map<Integer, SiteAddress> sites = new HashMap<>();
        final Map<Integer, Bytes32> authors = new HashMap<>();
        final Map<Integer, Long> floors = new HashMap<>();
        final List<RecordLog.Frame> records;

        Loader(List<RecordLog.Frame> records) {
            this.records = records;
        }

        @Override
        public void frame(RecordLog.Frame frame) {
            try {
                Bin.In in = new Bin.In(frame.payload());
                switch (frame.type()) {
                    case SITE -> sites.put((int) in.varint(), readSite(in));
                    case AUTHOR -> authors.put((int) in.varint(), Bytes32.of(in.fixed(32)));
                    case FLOOR -> floors.merge((int) in.varint(), in.varint(), Math::max);
                    case RECORD -> records.add(frame);
                    default -> log.warn("skipping a frame of unknown type {} in the comment log", frame.type());
                }
            } catch (IllegalArgumentException e) {
                log.warn("skipping a damaged frame in the comment log: {}", e.getMessage());
            }
        }
    }

    private void load(Loader loader, List<RecordLog.Frame> frames) throws IOException {
        loader.authors.forEach((index, key) -> {
            while (authors.size() <= index) {
                authors.add(null);
            }
            authors.set(index, key);
            authorIndex.put(key, index);
        });
        loader.sites.forEach((index, site) -> {
            SiteState state = new SiteState(site, index, limits);
            state.floor = loader.floors.getOrDefault(index, 0L);
            sites.put(site, state);
            while (sitesByIndex.size() <= index) {
                sitesByIndex.add(null);
            }
            sitesByIndex.set(index, state);
        });
        // only moderated sites have a file: reading the folder once beats asking for each site
        try (var files = Files.list(dir.resolve("moderation"))) {
            for (Path file : (Iterable<Path>) files::iterator) {
                readModeration(file).ifPresent(list -> {
                    SiteState state = sites.get(list.site());
                    if (state != null) {
                        state.moderation = list;
                    }
                });
            }
        }
        int dropped = 0;
        for (RecordLog.Frame frame : frames) {
            Entry entry;
            try {
                entry = Entry.read(frame.payload(), frame.offset(), sitesByIndex, authors);
            } catch (IllegalArgumentException e) {
                log.warn("skipping a damaged record in the comment log: {}", e.getMessage());
                deadBytes += frame.payload().length;
                continue;
            }
            SiteState state = sitesByIndex.get(entry.site);
            // lists may hide what was held before they came (a crash between the two writes)
            if (byId.contains(entry) || hiddenAndDropped(state, entry)) {
                deadBytes += entry.length;
                dropped++;
                continue;
            }
            insert(state, entry);
        }
        for (SiteState state : sites.values()) {
            enforceCap(state);
        }
        if (dropped > 0) {
            log.info("comment store: {} records in the log are no longer kept", dropped);
        }
        rewriteIfWasteful();
    }

    // ---------------------------------------------------------------- adding

    /** Offers one record from a peer; see {@link #addAll}. */
    public synchronized Outcome add(CommentRecord record, long nowSeconds) throws IOException {
        return addAll(List.of(record), nowSeconds).get(0);
    }

    /**
     * Offers one record written on this machine: the same rules, and it is marked as this
     * engine's own, to be handed to every peer of its site that connects ({@link #local}).
     */
    public synchronized Outcome addLocal(CommentRecord record, long nowSeconds) throws IOException {
        return addAll(List.of(record), nowSeconds, true).get(0);
    }

    /**
     * Offers records (from a peer, or written here), applying every rule in this order: time
     * window, duplicate, moderation, the site's floor, proof of work and signature, the author's
     * rate and count, the site's storage cap. Kept records are forced to disk, once for the batch,
     * before this returns.
     *
     * @return one outcome per record, in order
     */
    public synchronized List<Outcome> addAll(List<CommentRecord> records, long nowSeconds) throws IOException {
        return addAll(records, nowSeconds, false);
    }

    private List<Outcome> addAll(List<CommentRecord> records, long nowSeconds, boolean local) throws IOException {
        List<Outcome> outcomes = new ArrayList<>(records.size());
        List<byte[]> frames = new ArrayList<>();
        List<Entry> added = new ArrayList<>();
        int sitesBefore = sitesByIndex.size();
        int authorsBefore = authors.size();
        for (CommentRecord record : records) {
            byte[] unsigned = record.unsignedBytes();
            Bytes32 id = Bytes32.of(CommentRecord.sha256(unsigned));
            try {
                Entry entry = admit(record, id, nowSeconds, frames, local);
                added.add(entry);
                outcomes.add(Outcome.added(id));
            } catch (RecordException e) {
                outcomes.add(Outcome.refused(id, e));
            }
        }
        if (!frames.isEmpty()) {
            long[] offsets;
            try {
                offsets = recordLog.append(frames);
            } catch (IOException e) {
                forgetBatch(added, sitesBefore, authorsBefore);
                throw e;
            }
            // frames hold site and author definitions too; records take the offsets of their frames
            int next = 0;
            for (int i = 0; i < frames.size() && next < added.size(); i++) {
                if (frames.get(i)[0] == RECORD) {
                    added.get(next++).offset = offsets[i];
                }
            }
        }
        return outcomes;
    }

    /** A batch that could not be written leaves nothing behind in memory either. */
    private void forgetBatch(List<Entry> added, int sitesBefore, int authorsBefore) {
        long dead = deadBytes;
        for (Entry entry : added) {
            remove(sitesByIndex.get(entry.site), List.of(entry));
        }
        deadBytes = dead; // they never reached the file
        while (sitesByIndex.size() > sitesBefore) {
            sites.remove(sitesByIndex.remove(sitesByIndex.size() - 1).site);
        }
        while (authors.size() > authorsBefore) {
            authorIndex.remove(authors.remove(authors.size() - 1));
        }
    }

    private Entry admit(CommentRecord record, Bytes32 id, long now, List<byte[]> frames, boolean local) {
        record.checkTime(now);
        SiteState state = sites.get(record.site());
        if (byId.contains(Entry.probe(id))) {
            throw new RecordException(Refusal.DUPLICATE, "held already");
        }
        if (state != null && state.hides(id, record.author()) && !owned.test(state.site)) {
            throw new RecordException(Refusal.HIDDEN, "the site's owner hid " + (state.moderation.hidden().contains(id)
                    ? "this record" : "this author"));
        }
        if (state != null && record.time() < state.floor && !state.keeps(id)) {
            throw new RecordException(Refusal.SITE_FULL, "older than the records dropped to make room");
        }
        record.verifySeal();
        if (state == null) {
            state = newSite(record.site(), frames);
        }
        Integer authorAt = authorIndex.get(record.author());
        int author = authorAt != null ? authorAt : newAuthor(record.author(), frames);
        if (counts.get(counterKey(state.index, author, TOTAL)) >= limits.perAuthorPerSite()) {
            throw new RecordException(Refusal.AUTHOR_LIMIT, "the author holds " + limits.perAuthorPerSite()
                    + " records for this site already");
        }
        if (record.kind() != Kind.LINK && counts.get(counterKey(state.index, author, bucket(record.time()))) >= limits.perAuthorPerHour()) {
            throw new RecordException(Refusal.RATE_LIMITED, "the author wrote " + limits.perAuthorPerHour()
                    + " records for this site in that hour already");
        }
        byte[] payload = Entry.write(record, id, state.index, author, local);
        Entry entry = Entry.of(id, record, state.index, author, payload.length, local);
        if (state.full(entry.length)) {
            Entry oldest = state.oldestDroppable();
            if (oldest == null || oldest.time > record.time() && !state.keeps(id)) {
                throw new RecordException(Refusal.SITE_FULL, "the site holds " + state.entries.size()
                        + " newer records, its most");
            }
        }
        frames.add(RecordLog.frame(RECORD, payload));
        insert(state, entry);
        if (state.overCap()) {
            enforceCap(state);
        }
        return entry;
    }

    private SiteState newSite(SiteAddress site, List<byte[]> frames) {
        int index = sitesByIndex.size();
        SiteState state = new SiteState(site, index, limits);
        sitesByIndex.add(state);
        sites.put(site, state);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Bin.varint(out, index);
        writeSite(out, site);
        frames.add(RecordLog.frame(SITE, out.toByteArray()));
        return state;
    }

    private int newAuthor(Bytes32 key, List<byte[]> frames) {
        int index = authors.size();
        authors.add(key);
        authorIndex.put(key, index);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Bin.varint(out, index);
        out.writeBytes(key.bytes());
        frames.add(RecordLog.frame(AUTHOR, out.toByteArray()));
        return index;
    }

    static long hour(long time) {
        return Math.floorDiv(time, 3600);
    }

    /** Drops the oldest records not kept by the owner until the site is under its cap; raises its floor. */
    private void enforceCap(SiteState state) {
        if (!state.overCap()) {
            return;
        }
        List<Entry> candidates = new ArrayList<>();
        for (Entry entry : state.entries) {
            if (!state.keeps(entry.id())) {
                candidates.add(entry);
            }
        }
        candidates.sort((a, b) -> Long.compare(a.time, b.time));
        long floor = state.floor;
        int count = state.entries.size();
        long bytes = state.bytes;
        List<Entry> drop = new ArrayList<>();
        for (Entry entry : candidates) {
            if (count <= limits.siteMaxRecords() * DROP_TO && bytes <= limits.siteMaxBytes() * DROP_TO) {
                break;
            }
            drop.add(entry);
            count--;
            bytes -= entry.length;
            floor = Math.max(floor, entry.time + 1);
        }
        remove(state, drop);
        int dropped = drop.size();
        if (floor > state.floor) {
            state.floor = floor;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Bin.varint(out, state.index);
            Bin.varint(out, floor);
            try {
                recordLog.append(List.of(RecordLog.frame(FLOOR, out.toByteArray())));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        log.info("comments of {}: storage full, dropped the {} oldest records", state.site.host(), dropped);
    }

    private static final long TOTAL = (1L << 20) - 1;

    /**
     * The counter of (site, author, bucket): 21 bits of site index, 23 of author index, 20 of
     * bucket (a UTC hour since the epoch of BitWeb comments, 119 years of them; {@link #TOTAL} for
     * all of the author's records on the site).
     */
    private static long counterKey(int site, int author, long bucket) {
        if (site >= 1 << 21 || author >= 1 << 23) {
            throw new IllegalStateException("more sites or authors than the comment store can count");
        }
        return (long) site << 43 | (long) author << 20 | bucket;
    }

    private static long bucket(long time) {
        return Math.max(0, Math.min(TOTAL - 1, hour(time) - hour(Limits.EPOCH_SECONDS)));
    }

    private void insert(SiteState state, Entry entry) {
        byId.add(entry);
        state.entries.add(entry);
        state.bytes += entry.length;
        counts.add(counterKey(state.index, entry.author, TOTAL), 1);
        if (entry.kind != Kind.LINK.ordinal()) {
            counts.add(counterKey(state.index, entry.author, bucket(entry.time)), 1);
        }
    }

    /** Removes entries of one site (a batch: the site's list is filtered once). */
    private void remove(SiteState state, java.util.Collection<Entry> drop) {
        if (drop.isEmpty()) {
            return;
        }
        java.util.Set<Entry> gone = new java.util.HashSet<>();
        for (Entry entry : drop) {
            if (byId.remove(entry) != null) {
                gone.add(entry);
                state.bytes -= entry.length;
                deadBytes += entry.length;
                counts.add(counterKey(state.index, entry.author, TOTAL), -1);
                if (entry.kind != Kind.LINK.ordinal()) {
                    counts.add(counterKey(state.index, entry.author, bucket(entry.time)), -1);
                }
            }
        }
        state.entries.removeIf(gone::contains);
        state.entries.trimToSize();
    }

    // ---------------------------------------------------------------- moderation

    /** The owner's list for an updatable site (an empty one if none arrived); none for an immutable site. */
    public synchronized Optional<ModerationList> moderation(SiteAddress site) {
        if (site.kind() != SiteAddress.Kind.PUBLIC_KEY) {
            return Optional.empty();
        }
        SiteState state = sites.get(site);
        ModerationList list = state != null ? state.moderation : readModeration(moderationFile(site)).orElse(null);
        return Optional.of(list != null ? list : ModerationList.empty(site));
    }

    /**
     * Takes a newer moderation list (decoded, so its signature is checked): stores it and applies
     * it at once. Records it hides are dropped, except on the owner's own engine, which keeps them
     * out of every listing it serves so that unhiding brings them back.
     *
     * @throws RecordException {@link Refusal#STALE} when it is not newer than the list held
     */
    public synchronized void offerModeration(ModerationList list) throws IOException {
        SiteState state = sites.get(list.site());
        ModerationList held = state != null ? state.moderation : readModeration(moderationFile(list.site())).orElse(null);
        if (held != null && list.seq() <= held.seq()) {
            throw new RecordException(Refusal.STALE, "seq " + list.seq() + " is not newer than " + held.seq());
        }
        AtomicFiles.write(moderationFile(list.site()), list.encode());
        if (state == null) {
            List<byte[]> frames = new ArrayList<>();
            state = newSite(list.site(), frames);
            recordLog.append(frames);
        }
        state.moderation = list;
        if (!owned.test(state.site)) {
            List<Entry> drop = new ArrayList<>();
            for (Entry entry : state.entries) {
                if (hiddenAndDropped(state, entry)) {
                    drop.add(entry);
                }
            }
            remove(state, drop);
        }
        rewriteIfWasteful();
    }

    private boolean hiddenAndDropped(SiteState state, Entry entry) {
        return state.moderation != null && !owned.test(state.site) && state.hides(entry.id(), authors.get(entry.author));
    }

    private static Optional<ModerationList> readModeration(Path file) {
        try {
            return Optional.of(ModerationList.decode(Files.readAllBytes(file)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RecordException e) {
            log.warn("ignoring the unreadable moderation list {}: {}", file, e.getMessage());
            return Optional.empty();
        }
    }

    /** Whether the owner's list hides an entry: no key objects are made for a site without a list. */
    private boolean hidden(SiteState state, Entry entry) {
        return state.moderation != null && state.hides(entry.id(), authors.get(entry.author));
    }

    private Path moderationFile(SiteAddress site) {
        return dir.resolve("moderation").resolve(site.label() + ".bin");
    }

    // ---------------------------------------------------------------- reading

    /** One record held for a site, hidden or not. */
    public synchronized Optional<CommentRecord> get(SiteAddress site, Bytes32 id) throws IOException {
        SiteState state = sites.get(site);
        Entry entry = state == null ? null : byId.get(Entry.probe(id));
        entry = entry != null && entry.site == state.index ? entry : null;
        return entry == null ? Optional.empty() : Optional.of(read(entry));
    }

    /** Whether the owner's list hides a held record (on the owner's engine; others hold none). */
    public synchronized boolean hidden(SiteAddress site, Bytes32 id, Bytes32 author) {
        SiteState state = sites.get(site);
        return state != null && state.hides(id, author);
    }

    /** The sites with records or a moderation list held here. */
    public synchronized List<SiteAddress> sites() {
        return List.copyOf(sites.keySet());
    }

    /** How many records a site holds here, and their bytes. */
    public synchronized int count(SiteAddress site) {
        SiteState state = sites.get(site);
        return state == null ? 0 : state.entries.size();
    }

    /**
     * The index entries of one page of a site (all pages for a null path), with whether the owner
     * hid each. For listings; bodies come from {@link #read}.
     */
    synchronized List<Indexed> indexed(SiteAddress site, String pathOrNull) {
        SiteState state = sites.get(site);
        if (state == null) {
            return List.of();
        }
        List<Indexed> out = new ArrayList<>();
        long path = pathOrNull == null ? 0 : Entry.pathKey(pathOrNull);
        for (Entry entry : state.entries) {
            if (pathOrNull == null || path == entry.path) {
                Bytes32 author = authors.get(entry.author);
                out.add(new Indexed(entry, author, state.moderation != null && state.hides(entry.id(), author)));
            }
        }
        return out;
    }

    /** Comments and replies of a page that neither the owner hid nor {@code mutes} mutes. */
    synchronized int countVisible(SiteAddress site, String pagePath, MuteList mutes) {
        SiteState state = sites.get(site);
        if (state == null) {
            return 0;
        }
        long path = Entry.pathKey(pagePath);
        boolean check = state.moderation != null || !mutes.isEmpty();
        int count = 0;
        for (Entry entry : state.entries) {
            if (entry.path != path || entry.kind == Kind.RESPONSE.ordinal() || entry.kind == Kind.LINK.ordinal()) {
                continue;
            }
            if (check) {
                Bytes32 id = entry.id();
                Bytes32 author = authors.get(entry.author);
                if (state.hides(id, author) || mutes.mutes(id, author)) {
                    continue;
                }
            }
            count++;
        }
        return count;
    }

    /** One record's place in a page's listing: its entry, reply depth, whether the owner hid it, its author. */
    record Placed(Entry entry, int depth, boolean hidden, Bytes32 author) {
        Bytes32 id() {
            return entry.id();
        }
    }

    /**
     * A page's comments and replies in display order, from the index alone (what {@link Listing}
     * shows): threads by their newest activity, each depth first with replies oldest first;
     * positions {@code from} to {@code from + count} of that order, how many there are in all and
     * in how many threads; and the newest {@code maxLinked} responses and links with their total.
     * Primitive arrays all the way: the first listing of a freshly started engine runs before the
     * JIT has compiled much, and 10,000 comments must still come back fast.
     */
    record Ordered(List<Placed> items, int total, int threads, List<Placed> linked, int linkedTotal) {
    }

    synchronized Ordered ordered(SiteAddress site, String pagePath, int from, int count, int maxLinked) {
        SiteState state = sites.get(site);
        if (state == null) {
            return new Ordered(List.of(), 0, 0, List.of(), 0);
        }
        long path = Entry.pathKey(pagePath);
        int size = state.entries.size();
        Entry[] nodes = new Entry[size];
        Entry[] links = new Entry[size];
        int n = 0;
        int m = 0;
        for (Entry entry : state.entries) {
            if (entry.path != path) {
                continue;
            }
            if (entry.kind == Kind.RESPONSE.ordinal() || entry.kind == Kind.LINK.ordinal()) {
                links[m++] = entry;
            } else {
                entry.slot = n;
                nodes[n++] = entry;
            }
        }
        // each reply's parent among the page's comments; one whose parent is not here starts a thread
        int[] parent = new int[n];
        int[] start = new int[n + 1];
        for (int i = 0; i < n; i++) {
            Entry probe = nodes[i].parentProbe();
            Entry up = probe == null ? null : byId.get(probe);
            int slot = up == null ? -1 : up.slot;
            parent[i] = slot >= 0 && slot < n && nodes[slot] == up ? slot : -1;
            if (parent[i] >= 0) {
                start[parent[i] + 1]++;
            }
        }
        for (int i = 0; i < n; i++) {
            start[i + 1] += start[i];
        }
        // children of each node, oldest first: (time << 20 | slot), sorted per node
        long[] kids = new long[start[n]];
        int[] fill = Arrays.copyOf(start, n);
        for (int i = 0; i < n; i++) {
            if (parent[i] >= 0) {
                kids[fill[parent[i]]++] = nodes[i].time << 20 | i;
            }
        }
        for (int i = 0; i < n; i++) {
            if (start[i + 1] - start[i] > 1) {
                Arrays.sort(kids, start[i], start[i + 1]);
            }
        }
        // each thread's activity: the newest time in it (no recursion: a thread can be 10,000 deep)
        int[] stack = new int[Math.max(1, n)];
        long[] roots = new long[n];
        int threads = 0;
        for (int i = 0; i < n; i++) {
            if (parent[i] >= 0) {
                continue;
            }
            long newest = nodes[i].time;
            int top = 0;
            stack[top++] = i;
            while (top > 0) {
                int node = stack[--top];
                newest = Math.max(newest, nodes[node].time);
                for (int k = start[node]; k < start[node + 1]; k++) {
                    stack[top++] = (int) (kids[k] & 0xFFFFF);
                }
            }
            roots[threads++] = newest << 20 | i;
        }
        Arrays.sort(roots, 0, threads);
        // walk the threads newest first, each depth first, keeping positions from..from+count
        List<Placed> items = new ArrayList<>(Math.min(count, n));
        int[] depths = new int[Math.max(1, n)];
        int position = 0;
        for (int r = threads - 1; r >= 0 && position < from + count; r--) {
            int top = 0;
            stack[top] = (int) (roots[r] & 0xFFFFF);
            depths[top++] = 0;
            while (top > 0 && position < from + count) {
                int node = stack[--top];
                int depth = depths[top];
                if (position >= from) {
                    items.add(placed(state, nodes[node], Math.min(depth, Listing.MAX_DEPTH)));
                }
                position++;
                for (int k = start[node + 1] - 1; k >= start[node]; k--) { // pushed newest first: the oldest comes out first
                    stack[top] = (int) (kids[k] & 0xFFFFF);
                    depths[top++] = depth + 1;
                }
            }
        }
        // responses and links, newest first
        long[] order = new long[m];
        for (int j = 0; j < m; j++) {
            order[j] = links[j].time << 20 | j;
        }
        Arrays.sort(order);
        List<Placed> linked = new ArrayList<>();
        for (int j = m - 1; j >= 0 && linked.size() < maxLinked; j--) {
            linked.add(placed(state, links[(int) (order[j] & 0xFFFFF)], 0));
        }
        return new Ordered(items, n, threads, linked, m);
    }

    private Placed placed(SiteState state, Entry entry, int depth) {
        Bytes32 author = authors.get(entry.author);
        return new Placed(entry, depth, state.moderation != null && state.hides(entry.id(), author), author);
    }

    /** An index entry as listings see it. */
    record Indexed(Entry entry, Bytes32 author, boolean hidden) {
        Bytes32 id() {
            return entry.id();
        }

        long time() {
            return entry.time;
        }

        Kind kind() {
            return Kind.values()[entry.kind];
        }

        Bytes32 parent() {
            return entry.parent == null ? null : Bytes32.ofWords(entry.parent[0], entry.parent[1], entry.parent[2], entry.parent[3]);
        }
    }

    /** The record behind an index entry, read from the log. */
    synchronized CommentRecord read(Entry entry) throws IOException {
        byte[] payload = recordLog.read(entry.offset, entry.length);
        return Entry.decode(payload, sitesByIndex, authors);
    }

    /**
     * A day-by-day summary of what this engine would serve for a site (or one page of it): per UTC
     * day, how many records and the XOR of their ids' first 8 bytes. Two engines that hold the same
     * records for a day have the same pair; one that differs asks for that day's records.
     */
    public synchronized Map<Long, long[]> digest(SiteAddress site, String pathOrNull) {
        Map<Long, long[]> days = new TreeMap<>();
        SiteState state = sites.get(site);
        if (state == null) {
            return days;
        }
        long path = pathOrNull == null ? 0 : Entry.pathKey(pathOrNull);
        for (Entry entry : state.entries) {
            if ((pathOrNull == null || path == entry.path) && !hidden(state, entry)) {
                long[] day = days.computeIfAbsent(Math.floorDiv(entry.time, 86_400), d -> new long[2]);
                day[0]++;
                day[1] ^= entry.id0;
            }
        }
        return days;
    }

    /** The records this engine serves for a site (or a page) on the given UTC days, oldest first. */
    public synchronized List<CommentRecord> servable(SiteAddress site, String pathOrNull, Collection<Long> days) throws IOException {
        SiteState state = sites.get(site);
        if (state == null) {
            return List.of();
        }
        List<Entry> chosen = new ArrayList<>();
        long path = pathOrNull == null ? 0 : Entry.pathKey(pathOrNull);
        for (Entry entry : state.entries) {
            if ((pathOrNull == null || path == entry.path) && days.contains(Math.floorDiv(entry.time, 86_400))
                    && !hidden(state, entry)) {
                chosen.add(entry);
            }
        }
        chosen.sort((a, b) -> Long.compare(a.time, b.time));
        List<CommentRecord> out = new ArrayList<>(chosen.size());
        for (Entry entry : chosen) {
            out.add(read(entry));
        }
        return out;
    }

    /**
     * The records of a site written on this machine since {@code sinceSeconds}, oldest first, at
     * most {@code max} (the newest): handed to each peer of the site that connects, so what a
     * visitor wrote reaches the site's holders even if none was connected when it was written.
     */
    public synchronized List<CommentRecord> local(SiteAddress site, long sinceSeconds, int max) throws IOException {
        SiteState state = sites.get(site);
        if (state == null) {
            return List.of();
        }
        List<Entry> mine = new ArrayList<>();
        for (Entry entry : state.entries) {
            if (entry.local && entry.time >= sinceSeconds && !hidden(state, entry)) {
                mine.add(entry);
            }
        }
        mine.sort((a, b) -> Long.compare(a.time, b.time));
        List<CommentRecord> out = new ArrayList<>();
        for (Entry entry : mine.subList(Math.max(0, mine.size() - max), mine.size())) {
            out.add(read(entry));
        }
        return out;
    }

    /** The sites for which this machine wrote records since {@code sinceSeconds}. */
    public synchronized List<SiteAddress> sitesWithLocal(long sinceSeconds) {
        List<SiteAddress> out = new ArrayList<>();
        for (SiteState state : sites.values()) {
            for (Entry entry : state.entries) {
                if (entry.local && entry.time >= sinceSeconds) {
                    out.add(state.site);
                    break;
                }
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- forgetting, size

    /** Drops every record and the list of a site, and rewrites the log at once: nothing on disk names it afterwards. */
    public synchronized void forget(SiteAddress site) throws IOException {
        SiteState state = sites.remove(site);
        Files.deleteIfExists(moderationFile(site));
        if (state == null) {
            return;
        }
        sitesByIndex.set(state.index, null);
        remove(state, List.copyOf(state.entries));
        rewrite();
    }

    /** Records, sites and authors held, bytes of the log file. */
    public record Stats(int records, int sites, int authors, long logBytes, long deadBytes) {
    }

    public synchronized Stats stats() {
        int records = 0;
        for (SiteState state : sites.values()) {
            records += state.entries.size();
        }
        return new Stats(records, sites.size(), authorIndex.size(), recordLog.size(), deadBytes);
    }

    private void rewriteIfWasteful() throws IOException {
        if (deadBytes > REWRITE_DEAD_BYTES && deadBytes * 2 > recordLog.size()) {
            rewrite();
        }
    }

    /** Writes the log anew with only what is held; offsets are taken from the new file. */
    private void rewrite() throws IOException {
        List<RecordLog.Copy> copies = new ArrayList<>();
        List<Entry> order = new ArrayList<>();
        java.util.BitSet usedAuthors = new java.util.BitSet();
        for (SiteState state : sitesByIndex) {
            if (state != null) {
                state.entries.forEach(e -> usedAuthors.set(e.author));
            }
        }
        for (int i = usedAuthors.nextSetBit(0); i >= 0; i = usedAuthors.nextSetBit(i + 1)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Bin.varint(out, i);
            out.writeBytes(authors.get(i).bytes());
            copies.add(RecordLog.Copy.of(AUTHOR, out.toByteArray()));
        }
        for (SiteState state : sitesByIndex) {
            if (state == null) {
                continue;
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Bin.varint(out, state.index);
            writeSite(out, state.site);
            copies.add(RecordLog.Copy.of(SITE, out.toByteArray()));
            if (state.floor > 0) {
                ByteArrayOutputStream floor = new ByteArrayOutputStream();
                Bin.varint(floor, state.index);
                Bin.varint(floor, state.floor);
                copies.add(RecordLog.Copy.of(FLOOR, floor.toByteArray()));
            }
            for (Entry entry : state.entries) {
                copies.add(RecordLog.Copy.existing(RECORD, entry.offset, entry.length));
                order.add(entry);
            }
        }
        int[] next = {0};
        recordLog.rewrite(copies, frame -> {
            if (frame.type() == RECORD) {
                order.get(next[0]++).offset = frame.offset();
            }
        });
        deadBytes = 0;
    }

    @Override
    public synchronized void close() throws IOException {
        recordLog.close();
    }

    // ---------------------------------------------------------------- sites in frames

    private static void writeSite(ByteArrayOutputStream out, SiteAddress site) {
        out.write(site.kind() == SiteAddress.Kind.INFOHASH ? 0 : 1);
        out.writeBytes(site.bytes());
        Bin.bytes(out, site.salt());
    }

    static SiteAddress readSite(Bin.In in) {
        int kind = in.u8();
        if (kind == 0) {
            SiteAddress site = SiteAddress.infohash(in.fixed(20));
            in.bytes();
            return site;
        }
        byte[] key = in.fixed(32);
        byte[] salt = in.bytes();
        return SiteAddress.publicKey(key, salt);
    }

    // ---------------------------------------------------------------- per site

    /** One site's records, counters and list. */
    static final class SiteState {
        final SiteAddress site;
        final int index;
        final Limits.Holding limits;
        final ArrayList<Entry> entries = new ArrayList<>(2);
        long bytes;
        /** Records older than this were dropped to make room; older ones are refused (they would be dropped first). */
        long floor;
        /** The owner's list, null while none arrived (and always for an immutable site). */
        ModerationList moderation;

        SiteState(SiteAddress site, int index, Limits.Holding limits) {
            this.site = site;
            this.index = index;
            this.limits = limits;
        }

        boolean hides(Bytes32 id, Bytes32 author) {
            return moderation != null && moderation.hides(id, author);
        }

        boolean keeps(Bytes32 id) {
            return moderation != null && moderation.keeps(id);
        }

        boolean full(int moreBytes) {
            return entries.size() + 1 > limits.siteMaxRecords() || bytes + moreBytes > limits.siteMaxBytes();
        }

        boolean overCap() {
            return entries.size() > limits.siteMaxRecords() || bytes > limits.siteMaxBytes();
        }

        Entry oldestDroppable() {
            Entry oldest = null;
            for (Entry entry : entries) {
                if ((oldest == null || entry.time < oldest.time) && !keeps(entry.id())) {
                    oldest = entry;
                }
            }
            return oldest;
        }
    }

    // ---------------------------------------------------------------- index entries

    /**
     * What memory holds of a record: about 100 bytes. Equal by id, so a map of entries to
     * themselves is the id index.
     */
    static final class Entry {
        final long id0;
        final long id1;
        final long id2;
        final long id3;
        final long time;
        long offset;
        final int length;
        final int site;
        final int author;
        /** The first 8 bytes of SHA-256 of the page's path: a page's records without a string per site and page. */
        final long path;
        final byte kind;
        /** The parent's id as 4 words, for replies only. */
        final long[] parent;
        /** Written on this machine. */
        final boolean local;
        /** Scratch for {@link #ordered}, under the store's lock: this entry's place among its page's records. */
        int slot = -1;

        private Entry(Bytes32 id, long time, int length, int site, int author, long path, byte kind, long[] parent,
                      boolean local) {
            this.id0 = id.word(0);
            this.id1 = id.word(1);
            this.id2 = id.word(2);
            this.id3 = id.word(3);
            this.time = time;
            this.length = length;
            this.site = site;
            this.author = author;
            this.path = path;
            this.kind = kind;
            this.parent = parent;
            this.local = local;
        }

        static Entry probe(Bytes32 id) {
            return new Entry(id, 0, 0, -1, -1, 0, (byte) 0, null, false);
        }

        /** An entry to look up the parent of this one by, or null for a record without one. */
        Entry parentProbe() {
            return parent == null ? null : new Entry(parent[0], parent[1], parent[2], parent[3]);
        }

        private Entry(long id0, long id1, long id2, long id3) {
            this.id0 = id0;
            this.id1 = id1;
            this.id2 = id2;
            this.id3 = id3;
            this.time = 0;
            this.length = 0;
            this.site = -1;
            this.author = -1;
            this.path = 0;
            this.kind = 0;
            this.parent = null;
            this.local = false;
        }

        /** Orders by id, as unsigned bytes: for ties, without making keys. */
        static int compareIds(Entry a, Entry b) {
            int c = Long.compareUnsigned(a.id0, b.id0);
            c = c != 0 ? c : Long.compareUnsigned(a.id1, b.id1);
            c = c != 0 ? c : Long.compareUnsigned(a.id2, b.id2);
            return c != 0 ? c : Long.compareUnsigned(a.id3, b.id3);
        }

        static long pathKey(String path) {
            byte[] hash = CommentRecord.sha256(path.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.nio.ByteBuffer.wrap(hash).getLong();
        }

        static Entry of(Bytes32 id, CommentRecord record, int site, int author, int length, boolean local) {
            Bytes32 parent = record.parent();
            return new Entry(id, record.time(), length, site, author, pathKey(record.target().path()),
                    (byte) record.kind().ordinal(),
                    parent == null ? null : new long[] {parent.word(0), parent.word(1), parent.word(2), parent.word(3)}, local);
        }

        Bytes32 id() {
            return Bytes32.ofWords(id0, id1, id2, id3);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Entry e && e.id0 == id0 && e.id1 == id1 && e.id2 == id2 && e.id3 == id3;
        }

        /** From the id's second word: the first starts with the proof of work's zero bits. */
        @Override
        public int hashCode() {
            return Long.hashCode(id1);
        }

        // ---- the compact form in the log
        private static final int NAME = 1;
        private static final int PARENT = 2;
        private static final int FROM = 4;
        private static final int BODY = 8;
        /** Written on this machine (not part of the record: the signature does not cover it). */
        private static final int LOCAL = 16;

        /**
         * site, author, id, kind, flags, time, work, signature, path, [parent], [from], [name],
         * [body]. The id is there so that opening the store reads the index fields without
         * rebuilding and hashing each record.
         */
        static byte[] write(CommentRecord record, Bytes32 id, int site, int author, boolean local) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(192 + record.body().length());
            Bin.varint(out, site);
            Bin.varint(out, author);
            out.writeBytes(id.bytes());
            out.write(record.kind().ordinal());
            int flags = (record.name() != null ? NAME : 0) | (record.parent() != null ? PARENT : 0)
                    | (record.from() != null ? FROM : 0) | (!record.body().isEmpty() ? BODY : 0) | (local ? LOCAL : 0);
            out.write(flags);
            Bin.varint(out, record.time());
            Bin.varint(out, record.work());
            out.writeBytes(record.signature());
            Bin.text(out, record.target().path());
            if (record.parent() != null) {
                out.writeBytes(record.parent().bytes());
            }
            if (record.from() != null) {
                writeSite(out, record.from().site());
                Bin.text(out, record.from().path());
            }
            if (record.name() != null) {
                Bin.text(out, record.name());
            }
            if (!record.body().isEmpty()) {
                Bin.text(out, record.body());
            }
            return out.toByteArray();
        }

        /** The index entry of a compact record, reading no more than it needs; the id is rebuilt from the whole. */
        /** The index entry of a compact record: reads the fields up to the parent and nothing after. */
        static Entry read(byte[] payload, long offset, List<SiteState> sites, List<Bytes32> authors) {
            Bin.In in = new Bin.In(payload);
            int siteIndex = (int) in.varint();
            int authorIndex = (int) in.varint();
            if (siteIndex >= sites.size() || sites.get(siteIndex) == null || authorIndex >= authors.size()
                    || authors.get(authorIndex) == null) {
                throw new IllegalArgumentException("a record names a site or author the log does not define");
            }
            Bytes32 id = Bytes32.of(in.fixed(32));
            int kind = in.u8();
            int flags = in.u8();
            long time = in.varint();
            in.varint(); // work
            in.skip(64); // signature
            String path = in.text();
            long[] parent = null;
            if ((flags & PARENT) != 0) {
                Bytes32 p = Bytes32.of(in.fixed(32));
                parent = new long[] {p.word(0), p.word(1), p.word(2), p.word(3)};
            }
            if (kind >= Kind.values().length) {
                throw new IllegalArgumentException("not a compact record");
            }
            Entry entry = new Entry(id, time, payload.length, siteIndex, authorIndex, pathKey(path), (byte) kind, parent,
                    (flags & LOCAL) != 0);
            entry.offset = offset;
            return entry;
        }

        static CommentRecord decode(byte[] payload, List<SiteState> sites, List<Bytes32> authors) {
            Bin.In in = new Bin.In(payload);
            int siteIndex = (int) in.varint();
            int authorIndex = (int) in.varint();
            if (siteIndex >= sites.size() || sites.get(siteIndex) == null || authorIndex >= authors.size()
                    || authors.get(authorIndex) == null) {
                throw new IllegalArgumentException("a record names a site or author the log does not define");
            }
            in.skip(32); // the id, which the record's own bytes give
            int kind = in.u8();
            int flags = in.u8();
            long time = in.varint();
            long work = in.varint();
            byte[] signature = in.fixed(64);
            String path = in.text();
            Bytes32 parent = (flags & PARENT) != 0 ? Bytes32.of(in.fixed(32)) : null;
            Page from = null;
            if ((flags & FROM) != 0) {
                SiteAddress fromSite = readSite(in);
                from = new Page(fromSite, in.text());
            }
            String name = (flags & NAME) != 0 ? in.text() : null;
            String body = (flags & BODY) != 0 ? in.text() : "";
            if (kind >= Kind.values().length || !in.done()) {
                throw new IllegalArgumentException("not a compact record");
            }
            return new CommentRecord(new Page(sites.get(siteIndex).site, path), Kind.values()[kind],
                    authors.get(authorIndex), time, parent, from, name, body, work, signature);
        }
    }
}
