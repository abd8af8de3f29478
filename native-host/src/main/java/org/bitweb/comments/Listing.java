package org.bitweb.comments;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
        List<CommentStore.Indexed> all = store.indexed(page.site(), page.path());
        Map<CommentStore.Entry, Node> nodes = new HashMap<>();
        List<CommentStore.Indexed> backlinks = new ArrayList<>();
        for (CommentStore.Indexed indexed : all) {
            if (indexed.kind().isBacklink()) {
                backlinks.add(indexed);
            } else {
                nodes.put(indexed.entry(), new Node(indexed));
            }
        }
        List<Node> roots = new ArrayList<>();
        for (Node node : nodes.values()) {
            CommentStore.Entry parent = node.indexed.entry().parentProbe();
            Node up = parent == null ? null : nodes.get(parent);
            if (up == null) {
                roots.add(node);
            } else {
                up.children.add(node);
            }
        }
        Comparator<Node> byId = (a, b) -> CommentStore.Entry.compareIds(a.indexed.entry(), b.indexed.entry());
        Comparator<Node> oldestFirst = Comparator.comparingLong((Node n) -> n.indexed.time()).thenComparing(byId);
        for (Node root : roots) {
            root.activity = activity(root, oldestFirst);
        }
        roots.sort(Comparator.comparingLong((Node n) -> n.activity).reversed()
                .thenComparing(Comparator.comparingLong((Node n) -> n.indexed.time()).reversed())
                .thenComparing(byId));
        List<Node> flat = new ArrayList<>(nodes.size());
        List<Integer> depths = new ArrayList<>(nodes.size());
        for (Node root : roots) {
            Deque<Node> stack = new ArrayDeque<>();
            Deque<Integer> level = new ArrayDeque<>();
            stack.push(root);
            level.push(0);
            while (!stack.isEmpty()) {
                Node node = stack.pop();
                int depth = level.pop();
                flat.add(node);
                depths.add(Math.min(depth, MAX_DEPTH));
                for (int i = node.children.size() - 1; i >= 0; i--) {
                    stack.push(node.children.get(i));
                    level.push(depth + 1);
                }
            }
        }
        int pages = Math.max(1, (flat.size() + pageSize - 1) / pageSize);
        List<Item> items = new ArrayList<>();
        for (int i = pageNo * pageSize; i < Math.min(flat.size(), (pageNo + 1) * pageSize); i++) {
            items.add(item(store, flat.get(i).indexed, depths.get(i), viewer));
        }
        backlinks.sort(Comparator.comparingLong(CommentStore.Indexed::time).reversed()
                .thenComparing((a, b) -> CommentStore.Entry.compareIds(a.entry(), b.entry())));
        List<Item> linkedFrom = new ArrayList<>();
        for (CommentStore.Indexed indexed : backlinks.subList(0, Math.min(MAX_LINKED_FROM, backlinks.size()))) {
            linkedFrom.add(item(store, indexed, 0, viewer));
        }
        return new Listing(page, flat.size(), roots.size(), pageNo, pages, items, linkedFrom, backlinks.size());
    }

    /** Sorts each node's replies oldest first and returns the newest time in the thread (no recursion: threads can be deep). */
    private static long activity(Node root, Comparator<Node> oldestFirst) {
        long newest = root.indexed.time();
        Deque<Node> stack = new ArrayDeque<>();
        stack.push(root);
        while (!stack.isEmpty()) {
            Node node = stack.pop();
            newest = Math.max(newest, node.indexed.time());
            node.children.sort(oldestFirst);
            node.children.forEach(stack::push);
        }
        return newest;
    }

    private static Item item(CommentStore store, CommentStore.Indexed indexed, int depth, Viewer viewer) throws IOException {
        CommentRecord record = store.read(indexed.entry());
        Bytes32 id = indexed.id();
        return new Item(record, id, depth, indexed.hidden(), viewer.mutes().mutes(id, indexed.author()),
                viewer.keys().contains(indexed.author()));
    }

    private static final class Node {
        final CommentStore.Indexed indexed;
        final List<Node> children = new ArrayList<>(0);
        long activity;

        Node(CommentStore.Indexed indexed) {
            this.indexed = indexed;
        }
    }
}
