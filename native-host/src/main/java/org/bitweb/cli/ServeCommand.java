package org.bitweb.cli;

import ch.qos.logback.classic.Level;
import org.bitweb.Version;
import org.bitweb.daemon.EngineDaemon;
import org.bitweb.dht.DhtConfig;
import org.bitweb.engine.Engine;
import org.bitweb.engine.EngineOptions;
import org.bitweb.log.Logging;
import org.bitweb.site.SiteStatus;
import org.bitweb.store.RateLimits;
import org.bitweb.store.StateDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.List;

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

    /** Started by the browser's host process: stop a while after the last browser leaves. */
    @Option(names = "--background", hidden = true)
    boolean background;

    @Override
    public Integer call() throws IOException, InterruptedException {
        StateDir dir = bitweb().open(Level.INFO);
        EngineOptions options = new EngineOptions(gatewayPort, peerPort, network.bind());
        if (socks5 != null) {
            options = options.withSocks5Proxy(socks5);
        }
        options = options.withDht(network.dht(dhtPort, io().env())).withLanDiscovery(network.lanDiscovery(io().env()));
        EngineDaemon daemon = EngineDaemon.start(dir, options, background);
        if (slowLink || uploadLimit != null || downloadLimit != null) {
            RateLimits base = slowLink ? RateLimits.SLOW_LINK : daemon.settings().rateLimits();
            daemon.rateLimits(new RateLimits(uploadLimit != null ? uploadLimit : base.uploadBytesPerSecond(),
                    downloadLimit != null ? downloadLimit : base.downloadBytesPerSecond()));
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(daemon), "shutdown"));
        printStarted(dir, daemon.engine());
        daemon.awaitStop();
        return Outcome.OK.status;
    }

    /** On Ctrl-C: what goes wrong while stopping is one line on stderr; the log has the rest. */
    private void stop(EngineDaemon daemon) {
        try {
            daemon.close();
        } catch (RuntimeException e) {
            Logging.fileOnly(ServeCommand.class).warn("stopping the engine failed", e);
            err().println("bitweb serve: stopping the engine: " + Failures.of(e).message());
        }
    }

    private static String limit(long bytesPerSecond) {
        return bytesPerSecond == 0 ? "no limit" : Format.bytes(bytesPerSecond) + "/s";
    }

    private void printStarted(StateDir dir, Engine engine) {
        PrintStream out = out();
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
