package org.bitweb.updates;

import org.bitweb.address.SiteAddress;
import org.bitweb.keys.SiteKey;
import org.bitweb.store.StateDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which sites the engine shares and which updatable sites a torrent belongs to, read from the records alone. */
class SiteListTest {
    private static final String PLAIN = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private static final String V1 = "1111111111111111111111111111111111111111";
    private static final String V2 = "2222222222222222222222222222222222222222";
    private static final String W1 = "3333333333333333333333333333333333333333";

    @TempDir
    Path temp;

    private static KeySiteRecord site(SiteKey key, String name, String... versions) {
        byte[] salt = name.getBytes(StandardCharsets.US_ASCII);
        KeySiteRecord record = KeySiteRecord.published(key.signItem(salt, 1, SiteValue.encode(versions[0])), versions[0], name);
        for (int i = 1; i < versions.length; i++) {
            record = record.withItem(key.signItem(salt, i + 1, SiteValue.encode(versions[i])), versions[i]);
        }
        return record;
    }

    private static SiteAddress infohash(String hex) {
        return new SiteAddress(SiteAddress.Kind.INFOHASH, hex);
    }

    @Test
    void anUpdatableSiteIsSharedUnderItsKeyAndItsVersionsAreNotListedAgain() throws Exception {
        MutableStore store = MutableStore.open(new StateDir(temp));
        KeySiteRecord blog = site(SiteKey.generate("blog"), "blog", V1, V2).withSeeding(true);
        KeySiteRecord wiki = site(SiteKey.generate("wiki"), "wiki", W1).withSeeding(false);
        store.put(blog);
        store.put(wiki);
        SiteList list = new SiteList(store, null, null);

        List<SiteAddress> shared = list.shared(List.of(PLAIN, V1, V2, W1));

        // the wiki's version is seeded as a torrent, but the wiki itself is not kept: neither is listed
        assertEquals(List.of(infohash(PLAIN), blog.site()), shared);
    }

    @Test
    void aTorrentBelongsToEveryUpdatableSiteThatHadItAsAVersion() throws Exception {
        MutableStore store = MutableStore.open(new StateDir(temp));
        KeySiteRecord blog = site(SiteKey.generate("blog"), "blog", V1, V2);
        KeySiteRecord mirror = site(SiteKey.generate("mirror"), "mirror", V1);
        store.put(blog);
        store.put(mirror);
        SiteList list = new SiteList(store, null, null);

        assertEquals(java.util.Set.of(blog.site(), mirror.site()), java.util.Set.copyOf(list.sitesWithVersion(V1)));
        assertEquals(List.of(blog.site()), list.sitesWithVersion(V2));
        assertEquals(List.of(), list.sitesWithVersion(PLAIN));
    }
}
