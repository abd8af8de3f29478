package org.bitweb.cli;

import ch.qos.logback.classic.Level;
import org.bitweb.Version;
import org.bitweb.daemon.EngineDaemon;
import org.bitweb.dht.DhtConfig;
import org.bitweb.engine.Engine;
import org.bitweb.engine.EngineOptions;
import org.bitweb.log.Logging;
import org.bitweb.nat.PortMapper;
import org.bitweb.site.SiteStatus;
import org.bitweb.store.RateLimits;
import org.bitweb.store.StateDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/** {@code bitweb serve}: the engine in the foreground, until Ctrl-C. */
@Command(name = "serve",
        header = "Run the engine in the foreground: the gateway, the DHT node, seeding of every site.",
        description = {
            "Stops on Ctrl-C. The browser extension starts an engine of its own in the background "
                    + "when none runs; only one engine runs per state folder."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  bitweb serve",
            "  bitweb serve --gateway-port 0 --peer-port 0     any free ports, printed",
            "  bitweb serve --socks5 127.0.0.1:9050            peers reached through Tor",
            "  bitweb serve --upload-limit 100K                at most 100 kB a second to peers",
            "  bitweb serve --slow-link                        50 kB/s up, 200 kB/s down"})
final class ServeCommand extends Subcommand {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ServeCommand.class);
    /** How long a stop asked for during the start waits for the start to finish. */
    private static final Duration START_BOUND = Duration.ofSeconds(30);

    @Option(names = "--gateway-port", paramLabel = "N", converter = Converters.Port.class,
            defaultValue = "" + EngineOptions.DEFAULT_GATEWAY_PORT,
            description = "loopback HTTP port of the gateway (default ${DEFAULT-VALUE}; 0 = any free port)")
    int gatewayPort;

    @Option(names = "--peer-port", paramLabel = "N", converter = Converters.Port.class,
            defaultValue = "" + EngineOptions.DEFAULT_PEER_PORT,
            description = "BitTorrent listening port (default ${DEFAULT-VALUE}; 0 = any free port)")
    int peerPort;

    @Option(names = "--dht-port", paramLabel = "N", converter = Converters.Port.class,
            defaultValue = "" + DhtConfig.DEFAULT_PORT,
            description = "UDP port of the DHT node (default ${DEFAULT-VALUE}; 0 = any free port)")
    int dhtPort;

    @Mixin
    NetworkOptions network;

    @Option(names = "--socks5", paramLabel = "IP:PORT", converter = Converters.Peer.class,
            description = "send all peer traffic through this SOCKS5 proxy (a local Tor, say): slower, no DHT, "
                    + "no incoming connections")
    InetSocketAddress socks5;

    @Option(names = "--upload-limit", paramLabel = "RATE", converter = Converters.Rate.class,
            description = "at most RATE bytes a second sent to peers, all sites together: 100K, 1.5M, 512KiB; "
                    + "0 for no limit. Saved as the setting, as the popup does (docs/TUNING.md)")
    Long uploadLimit;

    @Option(names = "--download-limit", paramLabel = "RATE", converter = Converters.Rate.class,
            description = "at most RATE bytes a second read from peers, all sites together; 0 for no limit. Saved as the setting")
    Long downloadLimit;

    @Option(names = "--slow-link", description = "the slow-link preset: 50 kB/s up and 200 kB/s down, under half of "
            + "a 1 Mbit/s up, 4 Mbit/s down line (--upload-limit and --download-limit go over it). Saved as the setting")
    boolean slowLink;

    @Option(names = "--no-port-mapping", description = "do not ask the router (UPnP IGD, PCP, NAT-PMP) to forward the "
            + "peer and DHT ports (also BITWEB_PORTMAP=off; BITWEB_PORTMAP=upnp,natpmp,pcp picks the methods)")
    boolean noPortMapping;

    @Option(names = "--local-peer-hints", description = "let peers named in links (x.pe=) be on this machine or its "
            + "networks (loopback, private, link-local addresses): for a test network on one machine or a LAN. "
            + "Without it a page cannot make the engine connect into your own networks")
    boolean localPeerHints;

    /** Started by the browser's host process: stop a while after the last browser leaves. */
    @Option(names = "--background", hidden = true)
    boolean background;

    /**
     * {@code serve --background} with every option at its default, as a browser's bridge runs it,
     * for {@link BackgroundEngine}: the same run without picocli reading the command line.
     */
    static ServeCommand background() {
        ServeCommand serve = new ServeCommand();
        serve.gatewayPort = EngineOptions.DEFAULT_GATEWAY_PORT;
        serve.peerPort = EngineOptions.DEFAULT_PEER_PORT;
        serve.dhtPort = DhtConfig.DEFAULT_PORT;
        serve.network = new NetworkOptions();
        serve.background = true;
        return serve;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        return serve(bitweb(), io());
    }

    /** The run: {@code root} gives the state folder and logging, {@code io} the streams and environment. */
    int serve(BitwebCommand root, Streams io) throws IOException, InterruptedException {
        StateDir dir = root.open(Level.INFO);
        EngineOptions options = new EngineOptions(gatewayPort, peerPort, network.bind());
        if (socks5 != null) {
            options = options.withSocks5Proxy(socks5);
        }
        options = options.withDht(network.dht(dhtPort, io.env())).withLanDiscovery(network.lanDiscovery(io.env()))
                .withPortMapping(portMapping(noPortMapping, io.env())).withLocalPeerHints(localPeerHints);
        // The hook is in place before the engine starts, for a SIGTERM or Ctrl-C during the start
        // (a service stopped as it starts): it waits for the start and closes what it made. A
        // start the stop cut short (bt cannot add its own hook once the JVM shuts down) closes
        // what it opened and ends quietly; before, the hook came after the start, and the JVM
        // refusing it was reported as a bug.
        AtomicBoolean stopping = new AtomicBoolean();
        CompletableFuture<EngineDaemon> started = new CompletableFuture<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping.set(true);
            stop(started, io.err());
            LauncherArchive.awaitCheck(); // started by open(): a serve stopped at once leaves no half-written note
        }, "shutdown"));
        EngineDaemon daemon;
        try {
            daemon = EngineDaemon.start(dir, options, background);
        } catch (IOException | RuntimeException e) {
            if (stopping.get()) {
                // logged before the hook is let go: the JVM halts once its hooks are done
                log.info("stopped while starting ({})", e.getMessage());
                started.completeExceptionally(e);
                return Outcome.OK.status;
            }
            started.completeExceptionally(e);
            throw e;
        }
        try {
            if (slowLink || uploadLimit != null || downloadLimit != null) {
                RateLimits base = slowLink ? RateLimits.SLOW_LINK : daemon.settings().rateLimits();
                daemon.rateLimits(new RateLimits(uploadLimit != null ? uploadLimit : base.uploadBytesPerSecond(),
                        downloadLimit != null ? downloadLimit : base.downloadBytesPerSecond()));
            }
            printStarted(dir, daemon.engine(), io.out());
        } finally {
            started.complete(daemon); // a stop closes it from here on, not while the lines above use it
        }
        daemon.awaitStop();
        return Outcome.OK.status;
    }

    /**
     * How this run asks the router for its ports: not with {@code --no-port-mapping} nor with
     * {@code BITWEB_PORTMAP=off} (the test scripts set it: no test talks to the router of the
     * machine running it); {@code BITWEB_PORTMAP=upnp,natpmp,pcp} names the methods to try.
     */
    static PortMapper.Config portMapping(boolean off, Map<String, String> env) {
        String wanted = env.get("BITWEB_PORTMAP");
        PortMapper.Config config = PortMapper.Config.DEFAULTS;
        String lease = System.getProperty("bitweb.portMappingLeaseSeconds"); // tests watch renewals
        if (lease != null) {
            config = config.withLease(Duration.ofSeconds(Long.parseLong(lease)));
        }
        if (off || "off".equals(wanted)) {
            return config.withMethods(List.of());
        }
        try {
            return config.withMethods(PortMapper.Method.parse(wanted));
        } catch (IllegalArgumentException e) {
            throw new CliException(Outcome.USAGE, "BITWEB_PORTMAP: " + e.getMessage());
        }
    }

    /** On Ctrl-C: what goes wrong while stopping is one line on stderr; the log has the rest. */
    private static void stop(CompletableFuture<EngineDaemon> started, PrintStream err) {
        EngineDaemon daemon;
        try {
            daemon = started.get(START_BOUND.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return; // the start failed and closed what it had opened; it says why
        } catch (TimeoutException | InterruptedException e) {
            Logging.fileOnly(ServeCommand.class).warn("stopped while the engine was still starting after {}", START_BOUND);
            return;
        }
        try {
            daemon.close();
        } catch (RuntimeException e) {
            Logging.fileOnly(ServeCommand.class).warn("stopping the engine failed", e);
            err.println("bitweb serve: stopping the engine: " + Failures.of(e).message());
        }
    }

    private static String limit(long bytesPerSecond) {
        return bytesPerSecond == 0 ? "no limit" : Format.bytes(bytesPerSecond) + "/s";
    }

    private void printStarted(StateDir dir, Engine engine, PrintStream out) {
        out.println("BitWeb " + Version.CURRENT + " engine, state in " + dir.root());
        out.println("gateway: " + engine.gatewayAddress());
        out.println("peer port: " + engine.peerPort());
        if (engine.bandwidth().uploadLimit() > 0 || engine.bandwidth().downloadLimit() > 0) {
            out.println("rate limits: " + limit(engine.bandwidth().uploadLimit()) + " up, "
                    + limit(engine.bandwidth().downloadLimit()) + " down");
        }
        List<SiteStatus> sites = engine.sites();
        out.println(sites.isEmpty() ? "no sites yet: 'bitweb publish DIR' makes one"
                : "seeding " + sites.size() + " site" + (sites.size() == 1 ? "" : "s") + ":");
        for (SiteStatus site : sites) {
            out.println("  " + site.url() + "  " + site.name() + " (" + Format.bytes(site.size()) + ")");
        }
        if (!sites.isEmpty()) {
            String label = sites.get(0).address();
            out.println("open one with: curl --proxy " + engine.gatewayAddress() + " " + sites.get(0).url());
            out.println("           or: " + "http://" + label + ".bitweb.localhost:" + engine.gatewayPort() + "/");
        }
        out.println(background ? "running in the background" : "press Ctrl-C to stop");
    }
}
