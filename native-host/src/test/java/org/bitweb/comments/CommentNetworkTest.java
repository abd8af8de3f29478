package org.bitweb.comments;

import org.bitweb.address.SiteAddress;
import org.bitweb.keys.KeyRing;
import org.bitweb.store.StateDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What a running engine's comments tell the rest of the engine. */
class CommentNetworkTest {
    /**
     * The engine listens for changed sites twice (the browser's notices, and the topic to announce
     * once a held site has comments); each listener hears every site, coalesced on its own. They
     * once shared one "already scheduled" set, so the second listener missed what the first took.
     */
    @Test
    void everyListenerHearsOfEveryChangedSite(@TempDir Path temp) throws Exception {
        try (CommentNetwork network = CommentNetwork.open(temp.resolve("comments"), KeyRing.of(new StateDir(temp)))) {
            CompletableFuture<SiteAddress> first = new CompletableFuture<>();
            CompletableFuture<SiteAddress> second = new CompletableFuture<>();
            network.onSiteChanged(first::complete);
            network.onSiteChanged(second::complete);
            CommentRecord record = Fixtures.comment(Fixtures.signer(), Fixtures.page("/"), "Hello.", Comments.now());
            network.comments().receive(List.of(record));
            assertEquals(Fixtures.SITE, first.get(10, TimeUnit.SECONDS));
            assertEquals(Fixtures.SITE, second.get(10, TimeUnit.SECONDS));
        }
    }
}
