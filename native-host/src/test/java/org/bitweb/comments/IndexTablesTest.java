package org.bitweb.comments;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The store's two hand-made tables agree with Java's own maps through adds and removes in any order. */
class IndexTablesTest {
    @Test
    void theEntrySetAgreesWithAHashMap() {
        Random random = new Random(5);
        EntrySet set = new EntrySet();
        Map<Bytes32, CommentStore.Entry> reference = new HashMap<>();
        List<Bytes32> ids = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            if (!ids.isEmpty() && random.nextInt(3) == 0) {
                Bytes32 id = ids.remove(random.nextInt(ids.size()));
                assertSame(reference.remove(id), set.remove(CommentStore.Entry.probe(id)));
                assertNull(set.remove(CommentStore.Entry.probe(id)), "removed once");
            } else {
                byte[] bytes = new byte[32];
                random.nextBytes(bytes);
                bytes[8] = (byte) random.nextInt(4); // crowd the hash into few slots: long probe runs
                Bytes32 id = Bytes32.of(bytes);
                CommentStore.Entry entry = CommentStore.Entry.probe(id);
                set.add(entry);
                reference.put(id, entry);
                ids.add(id);
            }
            assertEquals(reference.size(), set.size());
        }
        for (Map.Entry<Bytes32, CommentStore.Entry> e : reference.entrySet()) {
            assertSame(e.getValue(), set.get(CommentStore.Entry.probe(e.getKey())));
        }
    }

    @Test
    void theCounterMapAgreesWithAHashMap() {
        Random random = new Random(6);
        LongIntMap map = new LongIntMap();
        Map<Long, Integer> reference = new HashMap<>();
        for (int i = 0; i < 50_000; i++) {
            long key = random.nextInt(3000) * 0x1_0000_0000L + random.nextInt(3);
            int delta = random.nextInt(3) - 1;
            int expected = reference.getOrDefault(key, 0) + delta;
            if (expected == 0) {
                reference.remove(key);
            } else {
                reference.put(key, expected);
            }
            assertEquals(expected, map.add(key, delta));
        }
        assertEquals(reference.size(), map.size(), "zero counts leave the table");
        reference.forEach((key, value) -> assertEquals(value, map.get(key)));
    }
}
