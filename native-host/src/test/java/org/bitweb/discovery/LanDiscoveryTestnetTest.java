package org.bitweb.discovery;

import org.bitweb.engine.Engine;
import org.bitweb.engine.EngineOptions;
import org.bitweb.fetch.SwarmFetchTest;
import org.bitweb.site.Publisher;
import org.bitweb.address.SiteAddress;
import org.bitweb.dht.Testnet;
import org.bitweb.gateway.SiteSource;
import org.bitweb.store.StateDir;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Local peer discovery (BEP 14) between real engines, inside the testnet's network namespace
 * (multicast there stays there): engines on addresses of their own, without the DHT and without
 * peer hints, and an independent observer socket in the multicast group that records every
 * announce sent. IPv4 on whatever link the testnet has; the IPv6 group on the veth link, whose
 * link-local address two engines share.
 */
@Tag("testnet")
class LanDiscoveryTestnetTest {
    private static final Duration ANNOUNCE = Duration.ofSeconds(15);
    @TempDir
    Path temp;
    private final List<Engine> engines = new ArrayList<>();
    private final List<InetAddress> addresses = new ArrayList<>();
    private Observer observer;

    @BeforeEach
    void namespace() {
        Testnet.assumeAvailable();
    }

    @AfterEach
    void stop() {
        for (int i = engines.size() - 1; i >= 0; i--) {
            engines.get(i).close();
        }
        if (observer != null) {
            observer.close();
        }
        addresses.forEach(Testnet::releaseAddress);
    }

    /** An engine on a testnet address of its own: no DHT, LAN discovery as by default. */
    private Engine engine(String name) throws IOException {
        InetAddress address = Testnet.allocateAddress();
        addresses.add(address);
        Engine engine = Engine.start(new StateDir(temp.resolve(name)), new EngineOptions(0, 0, address));
        engines.add(engine);
        assertTrue(engine.dht().isEmpty(), "no DHT: the LAN is the only way to find peers");
        assertTrue(engine.lanDiscoveryRunning(), "LAN discovery is on by default");
        return engine;
    }

    private SiteAddress publish(Engine engine, String name, String page) throws IOException {
        Path folder = Files.createDirectories(temp.resolve("sites").resolve(name));
        Files.writeString(folder.resolve("index.html"), page);
        return new SiteAddress(SiteAddress.Kind.INFOHASH, engine.publish(folder, Publisher.Progress.NONE).address());
    }

    @Test
    void aSiteIsFoundThroughTheLanAloneAndAVisitorAnnouncesOnlyWhatItShares() throws Exception {
        Engine visitor = engine("visitor");
        InetAddress visitorAddress = addresses.get(0);
        observer = Observer.join(visitorAddress);
        Engine publisher = engine("publisher");
        InetAddress publisherAddress = addresses.get(1);

        SiteAddress site = publish(publisher, "site", "<h1>found on the LAN</h1>");
        observer.await("the publisher's announce of its site", ANNOUNCE,
                a -> a.from(publisherAddress, publisher.peerPort()) && a.names(site));

        SiteSource.Lookup lookup = visitor.fetch(site, List.of(), Duration.ofSeconds(30));
        assertInstanceOf(SiteSource.Lookup.Ready.class, lookup, "found through the LAN alone: " + lookup);
        String page = SwarmFetchTest.get(visitor.gatewayPort(), site.host(), "/");
        assertTrue(page.endsWith("<h1>found on the LAN</h1>"), page);

        // The visitor's announcer runs: a site it publishes is announced at once...
        SiteAddress own = publish(visitor, "own", "<p>the visitor's own site</p>");
        observer.await("the visitor's announce of its own site", ANNOUNCE,
                a -> a.from(visitorAddress, visitor.peerPort()) && a.names(own));
        // ... and the site it only visited was in none of its announces.
        assertFalse(observer.any(a -> a.from(visitorAddress) && a.names(site)),
                "a visitor must not tell the LAN about a site it visited: " + observer.heard);

        // Once it chooses to seed the site, it is announced like any shared site.
        visitor.seed(site.hex());
        observer.await("the visitor's announce of the site it now seeds", ANNOUNCE,
                a -> a.from(visitorAddress, visitor.peerPort()) && a.names(site));

        // Switched off (the setting), it stops at once.
        assertFalse(visitor.lanDiscovery(false));
        assertFalse(visitor.lanDiscoveryRunning());
        assertTrue(visitor.lanDiscovery(true), "and comes back");
    }

    @Test
    void anEngineWithLanDiscoveryOffNeitherAnnouncesNorFindsLanPeers() throws Exception {
        InetAddress quietAddress = Testnet.allocateAddress();
        addresses.add(quietAddress);
        observer = Observer.join(quietAddress);
        Engine quiet = Engine.start(new StateDir(temp.resolve("quiet")),
                new EngineOptions(0, 0, quietAddress, Duration.ofSeconds(4), Duration.ofSeconds(30)).withLanDiscovery(false));
        engines.add(quiet);
        assertFalse(quiet.lanDiscoveryRunning());
        SiteAddress quietSite = publish(quiet, "quiet", "<p>not on the LAN</p>");

        Engine publisher = engine("publisher");
        InetAddress publisherAddress = addresses.get(1);
        SiteAddress site = publish(publisher, "site", "<p>on the LAN</p>");
        observer.await("the publisher's announce", ANNOUNCE, a -> a.from(publisherAddress) && a.names(site));
        assertFalse(observer.any(a -> a.from(quietAddress) || a.names(quietSite)), "nothing from the quiet engine: "
                + observer.heard);

        // it does not listen either: the metadata timeout (4 s) passes without a peer
        SiteSource.Lookup lookup = quiet.fetch(site, List.of(), Duration.ofSeconds(6));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (lookup instanceof SiteSource.Lookup.Loading && System.nanoTime() < deadline) {
            lookup = quiet.fetch(site, List.of(), Duration.ofSeconds(1));
        }
        assertInstanceOf(SiteSource.Lookup.Unknown.class, lookup, "no peer without LAN discovery: " + lookup);
    }

    @Test
    void aSiteIsFoundOverTheIpv6GroupToo() throws Exception {
        // Engines bound to the link-local IPv6 address of the testnet's veth use the IPv6 group alone.
        NetworkInterface veth = NetworkInterface.getByName("bwt0");
        Assumptions.assumeTrue(veth != null && "veth".equals(System.getenv("BITWEB_TESTNET_LINK")),
                "the IPv6 group is tested on the veth link only (this testnet uses " + System.getenv("BITWEB_TESTNET_LINK") + ")");
        InetAddress linkLocal = Collections.list(veth.getInetAddresses()).stream()
                .filter(a -> a instanceof Inet6Address && a.isLinkLocalAddress()).findFirst().orElse(null);
        Assumptions.assumeTrue(linkLocal != null, "bwt0 has no IPv6 link-local address (IPv6 off in this kernel?)");
        // the kernel checks a new address for duplicates (DAD) for a second or two; it is unusable till then
        Testnet.await("bwt0's link-local address to become usable", Duration.ofSeconds(20), () -> bindable(linkLocal));

        Engine visitor = Engine.start(new StateDir(temp.resolve("visitor6")), new EngineOptions(0, 0, linkLocal));
        engines.add(visitor);
        Engine publisher = Engine.start(new StateDir(temp.resolve("publisher6")), new EngineOptions(0, 0, linkLocal));
        engines.add(publisher);
        assertTrue(visitor.lanDiscoveryRunning() && publisher.lanDiscoveryRunning());
        SiteAddress site = publish(publisher, "site6", "<h1>found over IPv6</h1>");

        SiteSource.Lookup lookup = visitor.fetch(site, List.of(), Duration.ofSeconds(30));
        assertInstanceOf(SiteSource.Lookup.Ready.class, lookup, "found through the IPv6 group alone: " + lookup);
        String page = SwarmFetchTest.get(visitor.gatewayPort(), site.host(), "/");
        assertTrue(page.endsWith("<h1>found over IPv6</h1>"), page);
    }

    private static boolean bindable(InetAddress address) {
        try (DatagramChannel probe = DatagramChannel.open(StandardProtocolFamily.INET6)) {
            probe.bind(new InetSocketAddress(address, 0));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** An announce as the observer saw it: who sent it and what it said. */
    record Heard(InetSocketAddress source, LanAnnounce announce) {
        boolean from(InetAddress address) {
            return source.getAddress().equals(address);
        }

        boolean from(InetAddress address, int port) {
            return from(address) && announce.port() == port;
        }

        boolean names(SiteAddress site) {
            return announce.infohashes().contains(site.hex());
        }
    }

    /** A socket of its own in the IPv4 group, on the testnet's interface: what anyone on the LAN would hear. */
    static final class Observer implements AutoCloseable {
        final List<Heard> heard = new CopyOnWriteArrayList<>();
        private final DatagramChannel channel;

        private Observer(DatagramChannel channel) {
            this.channel = channel;
        }

        static Observer join(InetAddress onInterfaceOf) throws IOException {
            DatagramChannel channel = DatagramChannel.open(StandardProtocolFamily.INET);
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            channel.bind(new InetSocketAddress(LanDiscovery.PORT));
            channel.join(LanDiscovery.IPV4.address().getAddress(), NetworkInterface.getByInetAddress(onInterfaceOf));
            Observer observer = new Observer(channel);
            Thread thread = new Thread(observer::receive, "lan-observer");
            thread.setDaemon(true);
            thread.start();
            return observer;
        }

        private void receive() {
            ByteBuffer buffer = ByteBuffer.allocate(LanAnnounce.MAX_DATAGRAM + 1);
            while (channel.isOpen()) {
                buffer.clear();
                try {
                    InetSocketAddress from = (InetSocketAddress) channel.receive(buffer);
                    LanAnnounce.parse(buffer.array(), 0, buffer.position()).ifPresent(a -> heard.add(new Heard(from, a)));
                } catch (ClosedChannelException e) {
                    return;
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        }

        boolean any(Predicate<Heard> what) {
            return heard.stream().anyMatch(what);
        }

        void await(String what, Duration timeout, Predicate<Heard> condition) {
            Testnet.await(what, timeout, () -> any(condition), heard::toString);
        }

        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException e) {
                // closing a test socket
            }
        }
    }
}
