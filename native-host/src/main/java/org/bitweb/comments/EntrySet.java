package org.bitweb.comments;

/**
 * The store's id index: entries in one open-addressing table (linear probing, at most three
 * quarters full), about 6 bytes per entry where a {@code HashMap} node costs 40.
 */
final class EntrySet {
    private CommentStore.Entry[] table = new CommentStore.Entry[64];
    private int size;

    int size() {
        return size;
    }

    /** The entry with the same id, or null. */
    CommentStore.Entry get(CommentStore.Entry probe) {
        int mask = table.length - 1;
        for (int slot = home(probe, mask); table[slot] != null; slot = (slot + 1) & mask) {
            if (table[slot].equals(probe)) {
                return table[slot];
            }
        }
        return null;
    }

    boolean contains(CommentStore.Entry probe) {
        return get(probe) != null;
    }

    /** Adds an entry whose id is not in the set yet. */
    void add(CommentStore.Entry entry) {
        if ((size + 1) * 4 > table.length * 3) {
            grow();
        }
        int mask = table.length - 1;
        int slot = home(entry, mask);
        while (table[slot] != null) {
            if (table[slot].equals(entry)) {
                table[slot] = entry;
                return;
            }
            slot = (slot + 1) & mask;
        }
        table[slot] = entry;
        size++;
    }

    /** Removes the entry with this id; returns it, or null if there was none. */
    CommentStore.Entry remove(CommentStore.Entry probe) {
        int mask = table.length - 1;
        int slot = home(probe, mask);
        while (table[slot] != null && !table[slot].equals(probe)) {
            slot = (slot + 1) & mask;
        }
        CommentStore.Entry removed = table[slot];
        if (removed == null) {
            return null;
        }
        table[slot] = null;
        size--;
        // backward shift: later entries of the run move up, so no lookup stops early at the hole
        for (int next = (slot + 1) & mask; table[next] != null; next = (next + 1) & mask) {
            CommentStore.Entry moved = table[next];
            table[next] = null;
            int at = home(moved, mask);
            while (table[at] != null) {
                at = (at + 1) & mask;
            }
            table[at] = moved;
        }
        return removed;
    }

    private static int home(CommentStore.Entry entry, int mask) {
        return entry.hashCode() & mask;
    }

    private void grow() {
        CommentStore.Entry[] old = table;
        table = new CommentStore.Entry[old.length * 2];
        int mask = table.length - 1;
        for (CommentStore.Entry entry : old) {
            if (entry != null) {
                int slot = home(entry, mask);
                while (table[slot] != null) {
                    slot = (slot + 1) & mask;
                }
                table[slot] = entry;
            }
        }
    }
}
