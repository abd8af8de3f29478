package org.bitweb.engine;

import bt.metainfo.TorrentId;
import org.bitweb.address.Hex;
import org.bitweb.site.Publisher;
import org.bitweb.store.StateDir;
import org.bitweb.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * bt's once-a-second peer round asks a site's peer sources only while the site needs peers or a
 * source has something to do (issue 16: at 1,000 seeded sites bt asked every source of every
 * site every second). Sites held whole drop out of the round; naming a peer for one brings it back.
 */
@Timeout(120)
class PeerRoundsTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @TempDir
    Path temp;

    @Test
    void sitesHeldWholeLeaveTheRoundUntilASourceHasWork() throws Exception {
        try (Engine engine = Engine.start(new StateDir(temp.resolve("engine")), new EngineOptions(0, 0, LOOPBACK))) {
            List<String> sites = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Path folder = Files.createDirectories(temp.resolve("site-" + i));
                Files.writeString(folder.resolve("index.html"), "<h1>site " + i + "</h1>");
                sites.add(engine.publish(folder, Publisher.Progress.NONE).address());
            }
            Swarm swarm = engine.swarm();
            Await.until("a round that asks none of the three published sites", Duration.ofSeconds(30),
                    () -> swarm.rounds.lastRound() == 0);

            // a peer named for one site (a link's hint): bt dials it on every round until told otherwise
            TorrentId named = TorrentId.fromBytes(Hex.decode(sites.get(1)));
            swarm.hints.add(named, List.of(new InetSocketAddress(LOOPBACK, 9)));
            Await.until("a round that asks the site a peer was named for, and only it", Duration.ofSeconds(30),
                    () -> swarm.rounds.lastRound() == 1);

            swarm.forget(named);
            Await.until("the site out of the round again once its hints are gone", Duration.ofSeconds(30),
                    () -> swarm.rounds.lastRound() == 0);
        }
    }
}
