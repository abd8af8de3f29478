package org.bitweb.updates;

import org.bitweb.dht.MutableItem;
import org.bitweb.keys.KeyRing;
import org.bitweb.keys.SiteKey;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The next version's seq: one above the highest of the key ring, the site's record here and the
 * DHT's item, and noted in the key ring before the item leaves. A real key ring in a folder.
 */
class VersionSignerTest {
    private static final String V1 = "1111111111111111111111111111111111111111";
    private static final String V2 = "2222222222222222222222222222222222222222";
    private static final byte[] SALT = "blog".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path temp;
    private KeyRing ring;
    private VersionSigner signer;
    private SiteKey key;

    @BeforeEach
    void ring() throws IOException {
        ring = new KeyRing(temp.resolve("keys"));
        signer = new VersionSigner(ring);
        key = signer.keyOrNew("blog");
    }

    /** A record here for the site at {@code seq}, as another machine with the same key might have left it. */
    private Optional<KeySiteRecord> localAt(long seq) {
        MutableItem item = key.signItem(SALT, seq, SiteValue.encode(V1));
        return Optional.of(KeySiteRecord.published(item, V1, "blog"));
    }

    @Test
    void theFirstVersionIsSeqOne() throws Exception {
        MutableItem item = signer.signNext(key, SALT, V2, Optional.empty(), OptionalLong.empty());
        assertEquals(1, item.seq());
        ItemCheck.Verified verified = ItemCheck.verify(key.address(SALT), item, Optional.empty());
        assertEquals(V2, verified.infohash(), "a signed pointer to the version, under the site's key and salt");
    }

    @Test
    void aboveTheKeyRingWhenItSignedTheMost() throws Exception {
        ring.recordSeq("blog", SALT, 9); // signed before, its record since lost
        assertEquals(10, signer.signNext(key, SALT, V2, localAt(3), OptionalLong.of(5)).seq());
    }

    @Test
    void aboveTheLocalRecordWhenItIsNewest() throws Exception {
        ring.recordSeq("blog", SALT, 2);
        assertEquals(8, signer.signNext(key, SALT, V2, localAt(7), OptionalLong.of(4)).seq());
    }

    @Test
    void aboveTheDhtWhenAnotherMachineSignedLater() throws Exception {
        ring.recordSeq("blog", SALT, 2);
        assertEquals(13, signer.signNext(key, SALT, V2, localAt(3), OptionalLong.of(12)).seq());
    }

    @Test
    void theSeqIsNotedBeforeTheItemLeavesSoNoSeqIsSignedTwice() throws Exception {
        MutableItem first = signer.signNext(key, SALT, V1, Optional.empty(), OptionalLong.empty());
        assertEquals(first.seq(), ring.lastSeq("blog", SALT));
        // the item never reached the store or the DHT (a crash): the next one still goes above it
        VersionSigner afterRestart = new VersionSigner(new KeyRing(temp.resolve("keys")));
        MutableItem second = afterRestart.signNext(afterRestart.key("blog"), SALT, V2, Optional.empty(), OptionalLong.empty());
        assertEquals(first.seq() + 1, second.seq());
    }

    @Test
    void eachSaltOfAKeyCountsOnItsOwn() throws Exception {
        signer.signNext(key, SALT, V1, Optional.empty(), OptionalLong.of(40));
        assertEquals(1, signer.signNext(key, new byte[0], V1, Optional.empty(), OptionalLong.empty()).seq());
    }
}
