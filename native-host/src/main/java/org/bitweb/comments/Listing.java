package org.bitweb.comments;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One page of a page's comments as a reader sees them: threads ordered by their newest activity
 * (the latest time of the thread's records), each thread depth first with replies oldest first,
 * flattened and cut into pages of {@code pageSize} items, so a page of 10,000 comments shows its
 * first items without reading the rest. Reply depth is shown up to {@link #MAX_DEPTH}. A reply
 * whose parent is not held (not arrived, dropped or hidden) starts a thread of its own.
 * Responses and links ("linked from") are listed apart, newest first.
 *
 * @param total      comments and replies in all pages
 * @param threads    threads in all pages
 * @param pageNo     0-based
 * @param pages      how many pages there are (at least 1)
 * @param items      this page's comments and replies
 * @param linkedFrom the newest responses and links, at most {@link #MAX_LINKED_FROM}
 * @param linkedFromTotal all responses and links
 */
public record Listing(Page page, int total, int threads, int pageNo, int pages, List<Item> items,
                      List<Item> linkedFrom, int linkedFromTotal) {
    public static final int MAX_DEPTH = 8;
    public static final int MAX_LINKED_FROM = 100;
    public static final int DEFAULT_PAGE_SIZE = 50;
    public static final int MAX_PAGE_SIZE = 500;

    /**
     * One record as shown.
     *
     * @param hidden the site's owner hid it (only the owner's own engine still has such records)
     * @param muted  this reader muted it or its author
     * @param mine   one of this reader's keys wrote it
     * @param depth  0 for a thread's first record, at most {@link #MAX_DEPTH}
     */
    public record Item(CommentRecord record, Bytes32 id, int depth, boolean hidden, boolean muted, boolean mine) {
    }

    /** Who looks: their mutes and their keys. */
    public record Viewer(MuteList mutes, Set<Bytes32> keys) {
    }

    /** Builds a page of the listing from the store's index, reading only the records shown. */
    static Listing of(CommentStore store, Page page, Viewer viewer, int pageNo, int pageSize) throws IOException {
        if (pageSize < 1 || pageSize > MAX_PAGE_SIZE || pageNo < 0) {
            throw new IllegalArgumentException("pages are 1.." + MAX_PAGE_SIZE + " items, numbered from 0");
        }
        long from = (long) pageNo * pageSize;
        CommentStore.Ordered ordered = store.ordered(page.site(), page.path(), (int) Math.min(from, Integer.MAX_VALUE - pageSize),
                pageSize, MAX_LINKED_FROM);
        List<Item> items = new ArrayList<>(ordered.items().size());
        for (CommentStore.Placed placed : ordered.items()) {
            items.add(item(store, placed, viewer));
        }
        List<Item> linkedFrom = new ArrayList<>(ordered.linked().size());
        for (CommentStore.Placed placed : ordered.linked()) {
            linkedFrom.add(item(store, placed, viewer));
        }
        int pages = Math.max(1, (ordered.total() + pageSize - 1) / pageSize);
        return new Listing(page, ordered.total(), ordered.threads(), pageNo, pages, items, linkedFrom, ordered.linkedTotal());
    }

    private static Item item(CommentStore store, CommentStore.Placed placed, Viewer viewer) throws IOException {
        CommentRecord record = store.read(placed.entry());
        Bytes32 id = placed.id();
        return new Item(record, id, placed.depth(), placed.hidden(), viewer.mutes().mutes(id, placed.author()),
                viewer.keys().contains(placed.author()));
    }
}
