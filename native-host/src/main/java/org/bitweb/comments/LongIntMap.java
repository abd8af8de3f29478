package org.bitweb.comments;

import java.util.Arrays;

/**
 * Counters by a long key, in two arrays (open addressing, linear probing, at most three quarters full): the per-author counts
 * of a store holding 100,000 records would cost megabytes as boxed map entries. A count that
 * falls to zero is removed.
 */
final class LongIntMap {
    private static final long FREE = Long.MIN_VALUE;

    private long[] keys = new long[4];
    private int[] values = new int[4];
    private int size;

    LongIntMap() {
        Arrays.fill(keys, FREE);
    }

    int get(long key) {
        int slot = find(key);
        return keys[slot] == FREE ? 0 : values[slot];
    }

    /** Adds {@code delta} (may be negative) and returns the new count. */
    int add(long key, int delta) {
        if (key == FREE) {
            throw new IllegalArgumentException("reserved key");
        }
        int slot = find(key);
        if (keys[slot] == FREE) {
            if (delta == 0) {
                return 0;
            }
            keys[slot] = key;
            values[slot] = delta;
            if (++size * 4 > keys.length * 3) {
                grow();
            }
            return delta;
        }
        int value = values[slot] + delta;
        if (value == 0) {
            remove(slot);
        } else {
            values[slot] = value;
        }
        return value;
    }

    int size() {
        return size;
    }

    private int find(long key) {
        int mask = keys.length - 1;
        int slot = Long.hashCode(key * 0x9E3779B97F4A7C15L) & mask;
        while (keys[slot] != FREE && keys[slot] != key) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    /** Backward-shift deletion: later keys of the same run move up, so probing never stops early. */
    private void remove(int slot) {
        int mask = keys.length - 1;
        keys[slot] = FREE;
        size--;
        int next = (slot + 1) & mask;
        while (keys[next] != FREE) {
            long key = keys[next];
            int value = values[next];
            keys[next] = FREE;
            int home = find(key);
            keys[home] = key;
            values[home] = value;
            next = (next + 1) & mask;
        }
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new int[oldKeys.length * 2];
        Arrays.fill(keys, FREE);
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != FREE) {
                int slot = find(oldKeys[i]);
                keys[slot] = oldKeys[i];
                values[slot] = oldValues[i];
            }
        }
    }
}
