package org.bitweb.updates;

import org.bitweb.dht.MutableItem;
import org.bitweb.keys.SiteKey;
import org.bitweb.store.StateDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a key site's record says, how it changes with a new version, and that the cache keeps all of it. */
class KeySiteRecordTest {
    private static final String V1 = "1111111111111111111111111111111111111111";
    private static final String V2 = "2222222222222222222222222222222222222222";
    private static final byte[] SALT = "blog".getBytes(StandardCharsets.US_ASCII);
    private final SiteKey key = SiteKey.generate("blog");

    @TempDir
    Path temp;

    private MutableItem item(long seq, String infohash) {
        return key.signItem(SALT, seq, SiteValue.encode(infohash));
    }

    @Test
    void theSiteIsTheItemsKeyAndSalt() {
        KeySiteRecord record = KeySiteRecord.published(item(1, V1), V1, "blog");
        assertEquals(key.address(SALT), record.site());
        assertEquals(1, record.seq());
    }

    @Test
    void aRecordCannotPointElsewhereThanItsItem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KeySiteRecord.published(item(1, V1), V2, "blog"));
        assertTrue(e.getMessage().contains(V1) && e.getMessage().contains(V2), e.getMessage());
    }

    @Test
    void aLearnedSiteIsNeitherPublishedNorKept() throws RejectedItem {
        KeySiteRecord learned = KeySiteRecord.learned(ItemCheck.verify(key.address(SALT), item(4, V1), java.util.Optional.empty()));
        assertFalse(learned.published());
        assertFalse(learned.seeding());
        assertFalse(learned.pendingCheck());
        assertNull(learned.keyName());
        assertEquals(V1, learned.infohash());
    }

    @Test
    void aNewerVersionMovesTheCurrentOneToPrevious() {
        KeySiteRecord v1 = KeySiteRecord.published(item(1, V1), V1, "blog").withPendingCheck(true);
        KeySiteRecord v2 = v1.withItem(item(2, V2), V2);
        assertEquals(V2, v2.infohash());
        assertEquals(List.of(V1), v2.previous());
        assertFalse(v2.pendingCheck(), "a newer item is one the DHT or a peer gave, or one signed after asking");
        assertEquals(List.of(V1), v2.withItem(item(3, V2), V2).previous(), "the same version again is not an older one");
    }

    @Test
    void signingTheSameVersionAgainKeepsWhenItArrived() {
        KeySiteRecord offline = new KeySiteRecord(item(1, V2), V2, "blog", true, 1234, true, List.of(V1));
        KeySiteRecord again = offline.resigned(item(7, V2));
        assertEquals(7, again.seq());
        assertEquals(1234, again.updated(), "its older versions' grace runs from when it arrived, not from now");
        assertEquals(List.of(V1), again.previous());
        assertFalse(again.pendingCheck());
        assertThrows(IllegalArgumentException.class, () -> offline.resigned(item(8, V1)), "another version is not a re-sign");
    }

    @Test
    void theCacheFileKeepsEveryField() throws Exception {
        MutableStore store = MutableStore.open(new StateDir(temp));
        KeySiteRecord record = new KeySiteRecord(item(3, V2), V2, "blog", true, 1234, true, List.of(V1));
        store.put(record);
        KeySiteRecord read = MutableStore.open(new StateDir(temp)).get(key.address(SALT)).orElseThrow();
        assertEquals(record, read);
    }
}
