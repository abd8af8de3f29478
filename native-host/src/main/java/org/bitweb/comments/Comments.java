package org.bitweb.comments;

import org.bitweb.address.SiteAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Comments and backlinks on this engine: what the host protocol, the CLI and the peer exchange
 * use. Holds the store, the reader's identity and mute list, and knows which sites this machine
 * owns (holds the key of) through {@link SiteKeys}. Everything it learns or makes that peers
 * should hear of goes to the {@link #onChange} listeners (the exchange passes it on).
 */
public final class Comments implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Comments.class);
    /** How long "do I hold this site's key?" is remembered: the key ring is files on disk. */
    private static final long OWNER_CACHE_MILLIS = 5_000;

    /** The keys of updatable sites this machine holds (its key ring). */
    @FunctionalInterface
    public interface SiteKeys {
        Optional<Signer> keyOf(SiteAddress site) throws IOException;
    }

    /**
     * Something peers should hear about: new records of a site, or its newer moderation list.
     *
     * @param origin the peer it came from (not to be sent back there), or null for what this machine wrote
     */
    public record Change(SiteAddress site, List<CommentRecord> records, ModerationList moderation, Object origin) {
        public boolean local() {
            return origin == null;
        }
    }

    private final CommentStore store;
    private final ReaderIdentity identity;
    private final MuteList mutes;
    private final SiteKeys siteKeys;
    private final Map<SiteAddress, long[]> owners = new ConcurrentHashMap<>();
    private final List<Consumer<Change>> listeners = new CopyOnWriteArrayList<>();

    private Comments(CommentStore store, ReaderIdentity identity, MuteList mutes, SiteKeys siteKeys) {
        this.store = store;
        this.identity = identity;
        this.mutes = mutes;
        this.siteKeys = siteKeys;
    }

    /** Opens {@code dir} ({@code <state>/comments}). */
    public static Comments open(Path dir, SiteKeys siteKeys) throws IOException {
        return open(dir, Limits.DEFAULT, siteKeys);
    }

    static Comments open(Path dir, Limits.Holding limits, SiteKeys siteKeys) throws IOException {
        Comments[] self = new Comments[1];
        CommentStore store = CommentStore.open(dir, limits, site -> self[0] != null ? self[0].owns(site) : ownsNow(siteKeys, site));
        self[0] = new Comments(store, ReaderIdentity.open(dir.resolve("identity")), MuteList.open(dir.resolve("mutes.json")), siteKeys);
        return self[0];
    }

    private static boolean ownsNow(SiteKeys keys, SiteAddress site) {
        try {
            return site.kind() == SiteAddress.Kind.PUBLIC_KEY && keys.keyOf(site).isPresent();
        } catch (IOException e) {
            log.warn("cannot read the key ring: {}", e.toString());
            return false;
        }
    }

    public CommentStore store() {
        return store;
    }

    public ReaderIdentity identity() {
        return identity;
    }

    public MuteList mutes() {
        return mutes;
    }

    /** Called with what peers should hear; on the caller's thread, so keep it short. */
    public void onChange(Consumer<Change> listener) {
        listeners.add(listener);
    }

    private void changed(Change change) {
        for (Consumer<Change> listener : listeners) {
            try {
                listener.accept(change);
            } catch (RuntimeException e) {
                log.warn("a comment listener failed", e);
            }
        }
    }

    /** Whether this machine holds the key of {@code site} (an updatable site), so it may moderate it. */
    public boolean owns(SiteAddress site) {
        if (site.kind() != SiteAddress.Kind.PUBLIC_KEY) {
            return false;
        }
        long now = System.currentTimeMillis();
        long[] cached = owners.get(site);
        if (cached != null && now - cached[1] < OWNER_CACHE_MILLIS) {
            return cached[0] == 1;
        }
        boolean owns = ownsNow(siteKeys, site);
        owners.put(site, new long[] {owns ? 1 : 0, now});
        return owns;
    }

    static long now() {
        return System.currentTimeMillis() / 1000;
    }

    // ---------------------------------------------------------------- reading

    /** One page of a page's comments and backlinks, as this reader sees them. */
    public Listing list(Page page, int pageNo, int pageSize) throws IOException {
        return Listing.of(store, page, new Listing.Viewer(mutes, identity.keysFor(page.site())), pageNo, pageSize);
    }

    /** Comments and replies on a page that this reader would see (not hidden, not muted): the toolbar badge. */
    public int count(Page page) {
        return store.countVisible(page.site(), page.path(), mutes);
    }

    // ---------------------------------------------------------------- writing

    /**
     * Writes a comment (or a reply to {@code replyTo}) on a page as this reader: seals it (about a
     * second of work), keeps it and hands it to the peers. The reader key is made on first use.
     *
     * @param stop polled during the work; true gives up (returns empty)
     * @throws RecordException when a rule refuses it (empty, too long, the hourly limit ...) or the
     *                         parent is not a comment of this page held here
     */
    public Optional<CommentRecord> post(Page page, String body, Bytes32 replyTo, BooleanSupplier stop) throws IOException {
        long now = now();
        Draft draft;
        if (replyTo != null) {
            CommentRecord parent = store.get(page.site(), replyTo).orElseThrow(() -> new RecordException(Refusal.BAD_KIND,
                    "no comment " + replyTo.hex() + " on this site is held here to reply to"));
            if (!parent.target().equals(page) || parent.kind().isBacklink()) {
                throw new RecordException(Refusal.BAD_KIND, "a reply answers a comment of the same page");
            }
            draft = Draft.reply(page, replyTo, body, Math.max(now, parent.time()));
        } else {
            draft = Draft.comment(page, body, now);
        }
        return seal(draft.withName(identity.settings().name()), identity.signerFor(page.site()), stop);
    }

    /**
     * Names another bitweb page that answers this one, as this reader ("linked from").
     */
    public Optional<CommentRecord> respond(Page page, Page from, String title, BooleanSupplier stop) throws IOException {
        return seal(Draft.response(page, from, title, now()).withName(identity.settings().name()),
                identity.signerFor(page.site()), stop);
    }

    private Optional<CommentRecord> seal(Draft draft, Signer signer, BooleanSupplier stop) throws IOException {
        CommentRecord record = draft.seal(signer, Limits.WORK_BITS, stop);
        if (record == null) {
            return Optional.empty();
        }
        CommentStore.Outcome outcome = store.addLocal(record, now());
        if (!outcome.added() && outcome.refusal() != Refusal.DUPLICATE) {
            throw new RecordException(outcome.refusal(), outcome.message());
        }
        changed(new Change(record.site(), List.of(record), null, null));
        return Optional.of(record);
    }

    /**
     * The automatic backlinks of a site published here under its key: one link record per
     * (page of this site, page of another site) that the site's HTML links to, signed by the
     * site's key. Kept here and handed to the peers; each costs a proof of work, so this runs
     * off the publish's own path.
     *
     * @return the records made (links already held are not made again)
     */
    public List<CommentRecord> links(Signer siteKey, List<Backlinks.Link> links, BooleanSupplier stop) throws IOException {
        List<CommentRecord> made = new ArrayList<>();
        long now = now();
        for (Backlinks.Link link : links) {
            if (stop.getAsBoolean()) {
                break;
            }
            if (linkHeld(link, siteKey)) {
                continue;
            }
            CommentRecord record = Draft.link(link.target(), link.from(), link.text(), now).seal(siteKey, Limits.WORK_BITS, stop);
            if (record == null) {
                break;
            }
            CommentStore.Outcome outcome = store.addLocal(record, now);
            if (outcome.added()) {
                made.add(record);
                changed(new Change(record.site(), List.of(record), null, null));
            } else {
                log.info("link from {} to {} not kept: {}", link.from(), link.target(), outcome.message());
            }
        }
        return made;
    }

    private boolean linkHeld(Backlinks.Link link, Signer siteKey) {
        Bytes32 author = Bytes32.of(siteKey.publicKey());
        for (CommentStore.Indexed indexed : store.indexed(link.target().site(), link.target().path())) {
            if (indexed.kind() == Kind.LINK && indexed.author().equals(author)) {
                try {
                    if (store.read(indexed.entry()).from().equals(link.from())) {
                        return true;
                    }
                } catch (IOException e) {
                    return false;
                }
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- moderation

    /** What the owner does to a record or an author. */
    public enum Action {
        HIDE, UNHIDE, HIDE_AUTHOR, UNHIDE_AUTHOR, KEEP, UNKEEP
    }

    /**
     * Changes the site's moderation list, signs it with the site's key and hands it to the peers.
     *
     * @throws RecordException {@link Refusal#BAD_SIGNATURE} when this machine does not hold the site's key
     */
    public ModerationList moderate(SiteAddress site, Action action, Bytes32 target) throws IOException {
        if (site.kind() != SiteAddress.Kind.PUBLIC_KEY) {
            throw new RecordException(Refusal.BAD_TARGET, "an immutable site has no key, so its comments cannot be moderated "
                    + "for everyone (publish with a key to moderate; readers can still mute)");
        }
        Signer key = siteKeys.keyOf(site).orElseThrow(() -> new RecordException(Refusal.BAD_SIGNATURE,
                "this machine does not hold the key of " + site.host() + ": only its owner moderates it"));
        ModerationList list;
        synchronized (this) {
            ModerationList held = store.moderation(site).orElseThrow();
            ModerationList changed = switch (action) {
                case HIDE -> held.hide(target, true);
                case UNHIDE -> held.hide(target, false);
                case HIDE_AUTHOR -> held.hideAuthor(target, true);
                case UNHIDE_AUTHOR -> held.hideAuthor(target, false);
                case KEEP -> held.keep(target, true);
                case UNKEEP -> held.keep(target, false);
            };
            list = changed.signNext(key, Math.max(now(), held.time()));
            store.offerModeration(list);
        }
        List<CommentRecord> back = new ArrayList<>();
        if (action == Action.UNHIDE || action == Action.UNHIDE_AUTHOR) {
            // records the owner's engine kept while hidden go out again with the list
            for (CommentStore.Indexed indexed : store.indexed(site, null)) {
                if (!indexed.hidden() && (indexed.id().equals(target) || indexed.author().equals(target))) {
                    back.add(store.read(indexed.entry()));
                }
            }
        }
        changed(new Change(site, back, list, null));
        return list;
    }

    // ---------------------------------------------------------------- from peers

    /** Records from a peer: kept if they pass; what was kept goes on to the other peers. */
    public List<CommentStore.Outcome> receive(List<CommentRecord> records) throws IOException {
        return receive(records, "a peer");
    }

    /** @param origin the peer they came from (listeners do not send them back there) */
    public List<CommentStore.Outcome> receive(List<CommentRecord> records, Object origin) throws IOException {
        List<CommentStore.Outcome> outcomes = store.addAll(records, now());
        Map<SiteAddress, List<CommentRecord>> kept = new java.util.LinkedHashMap<>();
        for (int i = 0; i < records.size(); i++) {
            if (outcomes.get(i).added()) {
                kept.computeIfAbsent(records.get(i).site(), s -> new ArrayList<>()).add(records.get(i));
            }
        }
        kept.forEach((site, list) -> changed(new Change(site, list, null, origin)));
        return outcomes;
    }

    /** A moderation list from a peer, checked already by its decoding: kept and passed on if newer. */
    public boolean receive(ModerationList list) throws IOException {
        return receive(list, "a peer");
    }

    public boolean receive(ModerationList list, Object origin) throws IOException {
        try {
            store.offerModeration(list);
        } catch (RecordException e) {
            return false;
        }
        changed(new Change(list.site(), List.of(), list, origin));
        return true;
    }

    /** Drops what this engine holds for a site (the site was removed or forgotten). */
    public void forget(SiteAddress site) throws IOException {
        store.forget(site);
    }

    @Override
    public void close() throws IOException {
        store.close();
    }
}
