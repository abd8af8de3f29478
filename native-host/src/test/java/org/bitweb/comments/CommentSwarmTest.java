package org.bitweb.comments;

import org.bitweb.address.SiteAddress;
import org.bitweb.engine.Engine;
import org.bitweb.engine.EngineOptions;
import org.bitweb.gateway.SiteSource;
import org.bitweb.site.Publisher;
import org.bitweb.store.StateDir;
import org.bitweb.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Comments travel over a site's own connections between real engines on loopback: a visitor's
 * comment reaches the publisher, and another visitor who only ever talked to the publisher reads
 * it. (The DHT and moderation of an updatable site: {@code CommentsTestnetTest}.)
 */
@Timeout(120)
class CommentSwarmTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @TempDir
    Path temp;
    private final List<Engine> engines = new ArrayList<>();

    @AfterEach
    void stop() {
        for (int i = engines.size() - 1; i >= 0; i--) {
            engines.get(i).close();
        }
    }

    private Engine engine(String name) throws IOException {
        Engine engine = Engine.start(new StateDir(temp.resolve(name)), new EngineOptions(0, 0, LOOPBACK));
        engines.add(engine);
        return engine;
    }

    private static void visit(Engine visitor, SiteAddress site, Engine via) {
        SiteSource.Lookup lookup = visitor.fetch(site, List.of(new InetSocketAddress(LOOPBACK, via.peerPort())), Duration.ofSeconds(30));
        assertInstanceOf(SiteSource.Lookup.Ready.class, lookup, () -> "not ready: " + lookup);
    }

    @Test
    void aVisitorsCommentReachesTheHolderAndAnotherVisitorReadsIt() throws Exception {
        Path folder = Files.createDirectories(temp.resolve("site"));
        Files.writeString(folder.resolve("index.html"), "<h1>Hello</h1>");
        Engine publisher = engine("a");
        SiteAddress site = SiteAddress.parseHostPart(publisher.publish(folder, Publisher.Progress.NONE).address());
        Page page = Page.root(site);
        Engine commenter = engine("b");
        Engine reader = engine("c");

        visit(commenter, site, publisher);
        Await.until("the commenter's engine speaks comments with the publisher", Duration.ofSeconds(20),
                () -> commenter.comments().exchange().peersOf(site) > 0);
        CommentRecord posted = commenter.comments().comments().post(page, "First!", null, () -> false).orElseThrow();
        Await.until("the comment reaches the publisher", Duration.ofSeconds(20),
                () -> publisher.comments().comments().store().count(site) == 1);

        visit(reader, site, publisher);
        CommentNetwork.Refresh refresh = reader.comments().refresh(page, Duration.ofSeconds(20));
        assertEquals(1, refresh.answered(), "the publisher answered: " + refresh);
        Listing listing = reader.comments().comments().list(page, 0, 50);
        assertEquals(List.of(posted.id()), listing.items().stream().map(Listing.Item::id).toList());
        assertEquals("First!", listing.items().get(0).record().body());
        assertTrue(!listing.items().get(0).mine());

        // and a reply from the reader goes the same way back
        CommentRecord reply = reader.comments().comments().post(page, "Second.", posted.id(), () -> false).orElseThrow();
        Await.until("the reply reaches the publisher", Duration.ofSeconds(20),
                () -> publisher.comments().comments().store().count(site) == 2);
        Await.until("and the publisher passes it on to the commenter, who is connected", Duration.ofSeconds(20),
                () -> commenter.comments().comments().store().count(site) == 2);
        assertEquals(reply.id(), commenter.comments().comments().list(page, 0, 50).items().get(1).id());
    }
}
