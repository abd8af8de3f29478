package org.bitweb.engine;

import bt.data.ChunkVerifier;
import bt.metainfo.IMetadataService;
import bt.metainfo.TorrentId;
import bt.module.ProtocolModule;
import bt.module.ServiceModule;
import bt.peer.IPeerRegistry;
import bt.processor.ProcessorFactory;
import com.google.inject.Module;
import com.google.inject.Singleton;
import bt.runtime.BtRuntime;
import bt.runtime.Config;
import bt.torrent.TorrentRegistry;
import org.bitweb.bt.CappedMessageHandler;
import org.bitweb.bt.Bandwidth;
import org.bitweb.bt.DistinctFiles;
import org.bitweb.bt.LimitGrace;
import org.bitweb.bt.PeerListener;
import org.bitweb.bt.PeerRounds;
import org.bitweb.bt.ServableBlocks;
import org.bitweb.bt.SiteProcessing;
import org.bitweb.bt.TransferModule;
import org.bitweb.bt.Tuning;
import org.bitweb.dht.PeerFinder;
import org.bitweb.dht.DhtPeerSourceFactory;
import org.bitweb.discovery.LanDiscovery;
import org.bitweb.discovery.PeerHints;
import org.bitweb.fetch.AssignmentNudge;
import org.bitweb.privacy.PrivacyModule;
import org.bitweb.privacy.ProxyModule;
import org.bitweb.privacy.SharingPolicy;
import org.bitweb.site.FastResume;
import org.bitweb.updates.CopiesElsewhere;
import org.bitweb.updates.ItemExchange;
import org.bitweb.updates.ItemMessage;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;

/**
 * One bt runtime for every site of the engine, with BitWeb's replacements and additions
 * (docs/DESIGN.md, "Replacing parts of bt"), and the parts of the engine that live inside it.
 */
final class Swarm implements AutoCloseable {
    final BtRuntime runtime;
    final SharingPolicy sharing;
    final PeerHints hints;
    final FastResume resume;
    final LanDiscovery lan;
    final AssignmentNudge nudge;
    final ItemExchange items;
    final CopiesElsewhere copies;
    /** The DHT's peer sources: empty without a DHT. */
    final Optional<DhtPeerSourceFactory> dhtPeers;
    /** Upload and download limits. */
    final Bandwidth bandwidth;
    /** Pieces a site may send now (a folder seeded in place refuses those of edited files). */
    final ServableBlocks servable;
    /** bt's client executor (ours: its threads go when idle). */
    private final ExecutorService clientExecutor;
    /** bt's peer rounds, which leave out sites held whole with nothing to do. */
    final PeerRounds rounds;

    /**
     * Guice builds bt's runtime, 70-80 % of an engine's start (docs/TUNING.md, "A visit that starts
     * the engine"). By default it generates classes at run time for every injected constructor
     * (class-data sharing cannot archive those) and records the source of every binding from a
     * stack walk. bt's modules intercept no method, so neither is needed: constructors are called
     * by reflection and bindings name no source line (only a misconfigured module's error message
     * says less). Measured: bt's runtime built 87 ms faster (median of 10 paired starts, faster in
     * 10 of 10). Set before Guice reads its flags, once per process (GuiceFlagsTest); set at the
     * command line, that value wins.
     */
    static void guiceWithoutCodeGeneration() {
        if (System.getProperty("guice_bytecode_gen_option") == null) {
            System.setProperty("guice_bytecode_gen_option", "DISABLED");
        }
        if (System.getProperty("guice_include_stack_traces") == null) {
            System.setProperty("guice_include_stack_traces", "OFF");
        }
    }

    private Swarm(BtRuntime runtime, SharingPolicy sharing, PeerHints hints, FastResume resume, LanDiscovery lan,
                  AssignmentNudge nudge, ItemExchange items, CopiesElsewhere copies,
                  Optional<DhtPeerSourceFactory> dhtPeers, Bandwidth bandwidth, ServableBlocks servable,
                  ExecutorService clientExecutor, PeerRounds rounds) {
        this.clientExecutor = clientExecutor;
        this.rounds = rounds;
        this.bandwidth = bandwidth;
        this.servable = servable;
        this.runtime = runtime;
        this.sharing = sharing;
        this.hints = hints;
        this.resume = resume;
        this.lan = lan;
        this.nudge = nudge;
        this.items = items;
        this.copies = copies;
        this.dhtPeers = dhtPeers;
    }

    /**
     * Builds the runtime and starts it, so peers are accepted from now on, not only once the first
     * site starts.
     *
     * @param dht   the engine's DHT node, or null without one
     * @param extra features that ride on the runtime too (comments)
     */
    static Swarm start(EngineOptions options, InetAddress bind, PeerListener listener, PeerFinder dht, Module... extra) {
        Config config = new Config();
        config.setAcceptorAddress(bind);
        config.setAcceptorPort(listener.port());
        // Peers named by the user are fed to bt on each discovery round; a short round makes a
        // newly found peer count at once instead of after bt's default 5 s.
        config.setPeerDiscoveryInterval(Duration.ofSeconds(1));
        Tuning.apply(config);

        SharingPolicy sharing = new SharingPolicy();
        PeerHints hints = new PeerHints();
        FastResume resume = new FastResume(config.getNumOfHashingThreads());
        // BEP 14 on the LAN, announcing only shared sites; its sockets open when it is switched on
        LanDiscovery lan = new LanDiscovery(sharing::snapshot, listener.port(), bind);
        AssignmentNudge nudge = new AssignmentNudge();
        ItemExchange items = new ItemExchange();
        CopiesElsewhere copies = new CopiesElsewhere();
        // bt's peer registry exists only once the runtime does; peers found before are taken at its next round
        IPeerRegistry[] registry = new IPeerRegistry[1];
        Optional<DhtPeerSourceFactory> dhtPeers = Optional.ofNullable(dht).map(node ->
                // announce only sites this engine shares; every other lookup reveals nothing
                new DhtPeerSourceFactory(node, sharing::shares, listener.port()));
        dhtPeers.ifPresent(peers -> peers.onPeersFound(torrent -> {
            if (registry[0] != null) {
                registry[0].triggerPeerCollection(torrent); // at once, not at bt's next round
            }
        }));

        Bandwidth bandwidth = new Bandwidth();
        ServableBlocks servable = new ServableBlocks();
        LimitGrace grace = new LimitGrace(bandwidth, config.getMaxPieceReceivingTime());
        ExecutorService clientExecutor = TransferModule.clientExecutor();
        guiceWithoutCodeGeneration();
        var builder = BtRuntime.builder(config)
                .module(new PrivacyModule(sharing, bandwidth, servable))
                .module(new TransferModule(bandwidth, clientExecutor))
                .module(listener.module())
                .module(binder -> {
                    ServiceModule.extend(binder).addPeerSourceFactory(hints);
                    ServiceModule.extend(binder).addPeerSourceFactory(lan);
                    // key sites: peers pass each other the newest signed item (BEP 10)
                    ServiceModule.extend(binder).addMessagingAgent(items);
                    ProtocolModule.extend(binder).addExtendedMessageHandler(ItemMessage.NAME, new CappedMessageHandler<>(ItemMessage.class, ItemMessage.MAX_PAYLOAD, ItemMessage::decode, ItemMessage::encode));
                    // key sites: which versions other peers hold in full (their older versions can go)
                    ProtocolModule.extend(binder).addHandshakeHandler(copies);
                    // a page asked for starts downloading at once, not after bt's piece timeout
                    ServiceModule.extend(binder).addMessagingAgent(nudge);
                    // our own download limit does not time out the peers it holds back
                    ServiceModule.extend(binder).addMessagingAgent(grace);
                    binder.bind(ChunkVerifier.class).toInstance(resume); // trusts a site's record of verified pieces
                    // pad files of one length share a name, which bt 1.10 cannot tell apart
                    binder.bind(IMetadataService.class).toInstance(new DistinctFiles());
                    // no thread per torrent while it waits for metadata, pieces or nothing at all
                    binder.bind(ProcessorFactory.class).to(SiteProcessing.class).in(Singleton.class);
                });
        dhtPeers.ifPresent(peers -> builder.module(peers.module()));
        // a site held whole is asked for peers only when one of its sources has something to do
        PeerRounds rounds = new PeerRounds(torrent -> !hints.of(torrent).isEmpty()
                || dhtPeers.map(peers -> peers.announceDue(torrent)).orElse(false));
        builder.module(rounds);
        for (Module module : extra) {
            builder.module(module);
        }
        if (options.socks5Proxy() != null) {
            builder.module(new ProxyModule(options.socks5Proxy()));
        }
        BtRuntime runtime = builder
                .disableLocalServiceDiscovery() // bt's announces every torrent, visited ones too: LanDiscovery instead
                .disableAutomaticShutdown()     // sites come and go; the runtime lives as long as the engine
                .build();
        registry[0] = runtime.service(IPeerRegistry.class);
        // a site held whole here is looked up in the DHT only when it is announced (traffic budget, docs/TUNING.md)
        TorrentRegistry torrents = runtime.service(TorrentRegistry.class);
        dhtPeers.ifPresent(peers -> peers.peersWanted(torrent -> !PeerRounds.heldWhole(torrents, torrent)));
        runtime.getEventSource().onPeerDisconnected(null, e -> {
            items.disconnected(e.getConnectionKey());
            nudge.disconnected(e.getConnectionKey());
        });
        copies.listen(runtime.getEventSource());
        Swarm swarm = new Swarm(runtime, sharing, hints, resume, lan, nudge, items, copies, dhtPeers, bandwidth, servable,
                clientExecutor, rounds);
        try {
            runtime.startup();
        } catch (RuntimeException e) {
            // bt adds its JVM shutdown hook after starting its services, which the JVM refuses once
            // it shuts down (a stop during the start): stop those services, or they run on
            swarm.close();
            throw e;
        }
        return swarm;
    }

    /** Asks a site's peer sources now, not at bt's next round. */
    void collectPeersNow(TorrentId torrent) {
        runtime.service(IPeerRegistry.class).triggerPeerCollection(torrent);
    }

    /** Forgets a site's peer hints and DHT lookups (it was removed or stopped). */
    void forget(TorrentId torrent) {
        hints.forget(torrent);
        dhtPeers.ifPresent(peers -> peers.forget(torrent));
    }

    @Override
    public void close() {
        lan.close();
        runtime.shutdown();
        clientExecutor.shutdownNow();
        bandwidth.close();
    }
}
