package org.bitweb.cli;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import org.bitweb.daemon.EngineDaemon;
import org.bitweb.engine.EngineLock;
import org.bitweb.engine.EngineOptions;
import org.bitweb.site.Publisher;
import org.bitweb.log.Logging;
import org.bitweb.messaging.EngineClient;
import org.bitweb.json.Json;
import org.bitweb.messaging.ProtocolException;
import org.bitweb.site.SiteStats;
import org.bitweb.site.SiteStatus;
import org.bitweb.store.SiteRecord;
import org.bitweb.store.SiteStore;
import org.bitweb.store.StateDir;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** The {@code bitweb} command. */
public final class Main {
    static final String USAGE = """
            usage: bitweb [--home DIR] [--log-level LEVEL] COMMAND [options]

            commands:
              publish DIR [--json]      make a site of a folder, seed it, print its http://<site>.bitweb/ URL
              serve [options]           run the engine in the foreground: gateway + seeding of every site
                  --gateway-port N      loopback HTTP port of the gateway (default 47800, 0 = any free port)
                  --peer-port N         BitTorrent listening port (default 47801, 0 = any free port)
                  --peer-bind ADDRESS   address the BitTorrent port listens on (default: all)
                  --dht-port N          UDP port of the DHT node (default 47802, 0 = any free port)
                  --dht-bootstrap H:P,..  DHT nodes to join through (default: the mainline routers;
                                        $BITWEB_DHT_BOOTSTRAP too, where empty means none)
                  --no-dht              run without the DHT (peers only from links and --peer; also BITWEB_DHT=off)
                  --no-lan              no local peer discovery (BEP 14) this run, whatever the setting
                                        lanDiscovery says (also BITWEB_LAN=off)
                  --socks5 IP:PORT      send all peer traffic through this SOCKS5 proxy (e.g. a local Tor);
                                        slower, no DHT, no incoming connections
                  --key NAME            an updatable site: signed with the key NAME (made if new), addressed
                                        http://<key>.bitweb/; publishing again updates it (docs/UPDATES.md)
                  --salt TEXT           with --key: one of several sites of that key, http://<salt>.<key>.bitweb/
              key new NAME              make a site key (kept owner-only in the state folder)
              key list [--json]         the site keys and their addresses
              key export NAME [-o FILE] print the key as text to back up (anyone holding it can publish as the site)
              key import NAME FILE|-    take a key exported elsewhere, to publish from this machine too
              status [--json]           sites, sizes, peers, gateway address
              get LINK [-o DIR]         download a site (or one file of it) into DIR (default: the current folder);
                                        LINK may be http://<site>.bitweb/..., a label, or a magnet link
                                        (xt=urn:btih:..., or xs=urn:btpk:<key hex>[&s=<salt hex>] for a key site)
                  --peer IP:PORT[,..]   peers to ask first, besides the link's own hints
                  --timeout SECONDS     give up when no peer sends the site's file list in time (default 120)
              doctor                    check the install: host manifests, launcher, Java, engine, gateway
              host                      the native-messaging host the browser starts (not for people)

            The state folder is --home, else $BITWEB_HOME, else $XDG_DATA_HOME/bitweb, else ~/.local/share/bitweb.
            """;

    private final PrintStream out;
    private final PrintStream err;

    Main(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] argv) {
        // The real stdout, kept aside: in host mode it carries protocol frames and nothing else.
        OutputStream stdout = new FileOutputStream(FileDescriptor.out);
        PrintStream out = new PrintStream(stdout, true, StandardCharsets.UTF_8);
        boolean host = argv.length > 0 && java.util.Arrays.asList(argv).contains("host");
        if (host) {
            // Any library that prints to System.out now prints to stderr instead of corrupting the channel.
            System.setOut(System.err);
        }
        int code = new Main(out, System.err).run(argv, stdout);
        if (code != Integer.MIN_VALUE) {
            System.exit(code);
        }
    }

    /** @return the exit code, or MIN_VALUE for "keep running" */
    int run(String[] argv, OutputStream rawStdout) {
        Args args;
        try {
            argv = java.util.Arrays.stream(argv).map(a -> a.equals("-o") ? "--output" : a).toArray(String[]::new);
            args = Args.parse(argv, Set.of("home", "log-level", "gateway-port", "peer-port", "peer-bind", "output", "peer", "timeout", "socks5", "dht-port", "dht-bootstrap", "key", "salt"),
                    Set.of("json", "background", "help", "version", "no-dht", "no-lan"), isHost(argv));
        } catch (Args.UsageException e) {
            err.println("bitweb: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
        if (args.flag("version")) {
            out.println("bitweb " + org.bitweb.Version.CURRENT);
            return 0;
        }
        if (args.flag("help") || args.positional.isEmpty()) {
            out.print(USAGE);
            return args.positional.isEmpty() && !args.flag("help") ? 2 : 0;
        }
        String command = args.positional.get(0);
        StateDir dir = StateDir.resolve(args.get("home"), System.getenv());
        try {
            Level level = Logging.parseLevel(Optional.ofNullable(args.get("log-level")).orElse("info"));
            boolean quiet = command.equals("publish") || command.equals("status") || command.equals("get") || command.equals("doctor")
                    || command.equals("key");
            dir.create();
            Logging.configure(dir.logs(), level, quiet ? Level.WARN : (command.equals("host") ? Level.WARN : Level.INFO));
            return switch (command) {
                case "publish" -> publish(dir, args);
                case "serve" -> serve(dir, args);
                case "status" -> status(dir, args);
                case "key" -> new KeyCommand(dir, out, err, System.in).run(args.positional.subList(1, args.positional.size()),
                        args.get("output"), args.flag("json"));
                case "get" -> get(dir, args);
                case "doctor" -> new Doctor(dir, out, System.getenv(), System.getProperty("os.name")).run();
                case "host" -> new Bridge(dir, System.in, rawStdout).run();
                default -> {
                    err.println("bitweb: unknown command '" + command + "'");
                    err.print(USAGE);
                    yield 2;
                }
            };
        } catch (Args.UsageException e) {
            err.println("bitweb: " + e.getMessage());
            return 2;
        } catch (IllegalArgumentException e) {
            err.println("bitweb: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("bitweb: " + e.getMessage());
            return 1;
        }
    }

    private static boolean isHost(String[] argv) {
        // The browser appends its own arguments (origin, manifest path); the host ignores them.
        for (String a : argv) {
            if (a.equals("host")) {
                return true;
            }
        }
        return false;
    }

    private int publish(StateDir dir, Args args) throws IOException {
        if (args.positional.size() != 2) {
            throw new Args.UsageException("publish takes one folder: bitweb publish DIR [--key NAME [--salt TEXT]]");
        }
        Path folder = Path.of(args.positional.get(1)).toAbsolutePath().normalize();
        if (!Files.isDirectory(folder)) {
            throw new IOException("not a folder: " + folder);
        }
        String keyName = args.get("key");
        String saltText = args.get("salt");
        if (saltText != null && keyName == null) {
            throw new Args.UsageException("--salt needs --key: only a site signed by a key has a salt");
        }
        byte[] salt = new byte[0];
        if (keyName != null) {
            try {
                org.bitweb.keys.KeyRing.checkName(keyName);
                salt = saltText == null ? new byte[0] : saltText.getBytes(StandardCharsets.UTF_8);
                if (salt.length > 0) {
                    org.bitweb.address.SaltLabel.encode(salt);
                }
            } catch (IllegalArgumentException e) {
                throw new Args.UsageException(e.getMessage());
            }
        }
        ProgressLine progress = new ProgressLine(err, "hashing " + folder.getFileName());
        // An engine that runs owns the store: ask it, and it seeds the site at once.
        try (EngineClient client = EngineClient.connect(dir.socket())) {
            var request = Json.object().put("path", folder.toString());
            if (keyName != null) {
                request.put("key", keyName);
                if (saltText != null) {
                    request.put("salt", saltText);
                }
            }
            JsonNode site = client.request("site.publish", request,
                    (event, data) -> {
                        if (event.equals("publish.progress")) {
                            progress.update(data.path("done").asLong(), data.path("total").asLong());
                        }
                    });
            progress.finish();
            printPublished(args, site, true);
            return 0;
        } catch (ProtocolException e) {
            progress.finish();
            err.println("bitweb: " + e.getMessage());
            return 1;
        } catch (IOException noEngine) {
            // no engine listening: publish into the store ourselves, under the engine lock
        }
        try (EngineLock lock = EngineLock.tryAcquire(dir).orElseThrow(() -> new IOException(
                "an engine is starting for " + dir.root() + "; try again in a moment"))) {
            var node = Json.object();
            if (keyName != null) {
                var published = org.bitweb.updates.Publishing.publishOffline(dir, folder, keyName, salt, progress::update);
                progress.finish();
                SiteRecord site = published.version();
                node.put("address", published.site().label()).put("url", published.site().url()).put("name", site.name())
                        .put("size", site.size()).put("files", site.files()).put("infohash", site.infohash())
                        .put("seq", published.seq()).put("key", keyName);
            } else {
                SiteRecord site = Publisher.publish(dir, SiteStore.open(dir), folder, progress::update);
                progress.finish();
                org.bitweb.address.SiteAddress address =
                        new org.bitweb.address.SiteAddress(org.bitweb.address.SiteAddress.Kind.INFOHASH, site.infohash());
                node.put("address", address.label()).put("url", address.url()).put("name", site.name())
                        .put("size", site.size()).put("files", site.files());
            }
            printPublished(args, node, false);
            return 0;
        }
    }

    private void printPublished(Args args, JsonNode site, boolean engineRunning) {
        String name = site.path("name").asText();
        long size = site.path("size").asLong();
        int files = site.path("files").asInt();
        boolean keySite = site.has("seq");
        if (args.flag("json")) {
            var node = Json.object().put("address", site.path("address").asText()).put("url", site.path("url").asText())
                    .put("name", name).put("size", size).put("files", files);
            if (keySite) {
                node.put("infohash", site.path("infohash").asText()).put("seq", site.path("seq").asLong())
                        .put("key", site.path("key").asText());
                if (site.has("dhtNodes")) {
                    node.put("dhtNodes", site.path("dhtNodes").asInt());
                }
            }
            node.put("engine", engineRunning ? "running" : "stopped");
            out.println(Json.text(node));
            return;
        }
        out.printf(Locale.ROOT, "published %s: %d file%s, %s%n", name, files, files == 1 ? "" : "s", Format.bytes(size));
        if (keySite) {
            out.printf(Locale.ROOT, "version %d (torrent %s), signed by key '%s'%n", site.path("seq").asLong(),
                    site.path("infohash").asText(), site.path("key").asText());
        }
        out.println(site.path("url").asText());
        if (keySite) {
            out.println(org.bitweb.address.SiteLink.magnet(
                    org.bitweb.address.SiteAddress.parseHostPart(site.path("address").asText())));
        }
        if (keySite && engineRunning) {
            int nodes = site.path("dhtNodes").asInt();
            out.println(nodes > 0 ? "the running engine is seeding it; " + nodes + " DHT node" + (nodes == 1 ? "" : "s")
                    + " took the update" : "the running engine is seeding it; the DHT did not take the update yet (it retries hourly)");
            return;
        }
        out.println(engineRunning ? "the running engine is seeding it now"
                : "the engine is not running: 'bitweb serve' (or opening the browser extension) starts seeding it"
                + (keySite ? " and puts the update into the DHT" : ""));
    }

    private int serve(StateDir dir, Args args) throws IOException {
        InetAddress bind;
        String bindText = args.get("peer-bind");
        try {
            bind = bindText == null ? EngineOptions.anyAddress() : InetAddress.getByName(bindText);
        } catch (UnknownHostException e) {
            throw new Args.UsageException("--peer-bind must be an IP address, not '" + bindText + "'");
        }
        EngineOptions options = new EngineOptions(
                args.port("gateway-port", EngineOptions.DEFAULT_GATEWAY_PORT),
                args.port("peer-port", EngineOptions.DEFAULT_PEER_PORT), bind);
        if (args.get("socks5") != null) {
            options = options.withSocks5Proxy(org.bitweb.address.SiteLink.peer(args.get("socks5")));
        }
        options = options.withDht(dhtConfig(args, bind, org.bitweb.dht.DhtConfig.DEFAULT_PORT, System.getenv()))
                .withLanDiscovery(lanDiscovery(args, System.getenv()));
        EngineDaemon daemon = EngineDaemon.start(dir, options, args.flag("background"));
        Runtime.getRuntime().addShutdownHook(new Thread(daemon::close, "shutdown"));
        var engine = daemon.engine();
        out.println("BitWeb " + org.bitweb.Version.CURRENT + " engine, state in " + dir.root());
        out.println("gateway: " + engine.gatewayAddress());
        out.println("peer port: " + engine.peerPort());
        var sites = engine.sites();
        out.println(sites.isEmpty() ? "no sites yet: 'bitweb publish DIR' makes one"
                : "seeding " + sites.size() + " site" + (sites.size() == 1 ? "" : "s") + ":");
        for (var site : sites) {
            out.println("  " + site.url() + "  " + site.name() + " (" + Format.bytes(site.size()) + ")");
        }
        if (!sites.isEmpty()) {
            String label = sites.get(0).address();
            out.println("open one with: curl --proxy " + engine.gatewayAddress() + " " + sites.get(0).url());
            out.println("           or: " + "http://" + label + ".bitweb.localhost:" + engine.gatewayPort() + "/");
        }
        out.println(args.flag("background") ? "running in the background" : "press Ctrl-C to stop");
        try {
            daemon.awaitStop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /**
     * Whether this run may use local peer discovery (the setting {@code lanDiscovery} decides
     * then): not with {@code --no-lan}, nor with {@code BITWEB_LAN=off}, which the test scripts
     * set so that no engine a test starts talks to the LAN of the machine running the tests.
     */
    static boolean lanDiscovery(Args args, java.util.Map<String, String> env) {
        return !args.flag("no-lan") && !"off".equals(env.get("BITWEB_LAN"));
    }

    /**
     * The DHT node's settings from the command line and environment, or null for none. A loopback
     * bind means a test or a private setup: the DHT cannot work there (mldht drops loopback).
     */
    static org.bitweb.dht.DhtConfig dhtConfig(Args args, InetAddress bind, int defaultPort, java.util.Map<String, String> env) {
        if (args.flag("no-dht") || bind.isLoopbackAddress() || "off".equals(env.get("BITWEB_DHT"))) {
            return null; // BITWEB_DHT=off: test runs, whose engines must never reach the public DHT
        }
        String list = args.get("dht-bootstrap") != null ? args.get("dht-bootstrap") : env.get("BITWEB_DHT_BOOTSTRAP");
        java.util.List<org.bitweb.dht.BootstrapNode> nodes = new java.util.ArrayList<>();
        if (list == null) {
            nodes.addAll(org.bitweb.dht.DhtConfig.MAINLINE_ROUTERS);
        } else {
            for (String item : list.split(",")) {
                String node = item.trim();
                if (node.isEmpty()) {
                    continue;
                }
                int colon = node.lastIndexOf(':');
                if (colon <= 0) {
                    throw new Args.UsageException("a DHT bootstrap node is host:port, not '" + node + "'");
                }
                try {
                    nodes.add(new org.bitweb.dht.BootstrapNode(node.substring(0, colon), Integer.parseInt(node.substring(colon + 1))));
                } catch (NumberFormatException e) {
                    throw new Args.UsageException("a DHT bootstrap node is host:port, not '" + node + "'");
                }
            }
        }
        InetAddress dhtBind = bind instanceof java.net.Inet4Address ? bind : org.bitweb.dht.DhtConfig.anyAddress();
        return new org.bitweb.dht.DhtConfig(dhtBind, args.port("dht-port", defaultPort), nodes, null);
    }

    private int get(StateDir dir, Args args) throws IOException {
        if (args.positional.size() != 2) {
            throw new Args.UsageException("get takes one link: bitweb get http://<site>.bitweb/[path] -o DIR");
        }
        org.bitweb.address.SiteLink link = org.bitweb.address.SiteLink.parse(args.positional.get(1));
        java.util.List<java.net.InetSocketAddress> peers = new java.util.ArrayList<>();
        if (args.get("peer") != null) {
            for (String peer : args.get("peer").split(",")) {
                peers.add(org.bitweb.address.SiteLink.peer(peer.trim()));
            }
        }
        int seconds;
        try {
            seconds = Integer.parseInt(java.util.Optional.ofNullable(args.get("timeout")).orElse("120"));
        } catch (NumberFormatException e) {
            throw new Args.UsageException("--timeout takes seconds, not '" + args.get("timeout") + "'");
        }
        InetAddress bind;
        try {
            bind = args.get("peer-bind") == null ? EngineOptions.anyAddress() : InetAddress.getByName(args.get("peer-bind"));
        } catch (UnknownHostException e) {
            throw new Args.UsageException("--peer-bind must be an IP address");
        }
        Path output = Path.of(java.util.Optional.ofNullable(args.get("output")).orElse(".")).toAbsolutePath().normalize();
        return new GetCommand(dir, out, err).run(link, output, peers, java.time.Duration.ofSeconds(seconds), bind,
                dhtConfig(args, bind, 0, System.getenv()), lanDiscovery(args, System.getenv()));
    }

    private int status(StateDir dir, Args args) throws IOException {
        JsonNode status;
        try (EngineClient client = EngineClient.connect(dir.socket())) {
            status = client.request("status", null);
        } catch (ProtocolException e) {
            err.println("bitweb: " + e.getMessage());
            return 1;
        } catch (IOException noEngine) {
            status = offlineStatus(dir);
        }
        if (args.flag("json")) {
            out.println(Json.pretty(status));
            return 0;
        }
        boolean running = status.path("running").asBoolean(true);
        out.println("state:   " + status.path("home").asText());
        out.println(running ? "engine:  running (pid " + status.path("pid").asText() + ")" : "engine:  not running ('bitweb serve' starts it)");
        if (running) {
            out.println("gateway: " + status.path("gateway").asText());
            out.println("peers:   port " + status.path("peerPort").asText()
                    + (status.path("lanDiscovery").asBoolean() ? ", local peer discovery on" : ""));
        }
        JsonNode sites = status.path("sites");
        out.println("sites:   " + sites.size());
        for (JsonNode site : sites) {
            out.printf(Locale.ROOT, "  %s  %-20s %10s  %d peer%s%s%n", site.path("url").asText(), site.path("name").asText(),
                    Format.bytes(site.path("size").asLong()), site.path("peers").asInt(),
                    site.path("peers").asInt() == 1 ? "" : "s", site.path("seeding").asBoolean() ? "  seeding" : "");
        }
        return 0;
    }

    private static JsonNode offlineStatus(StateDir dir) throws IOException {
        var node = Json.object();
        node.put("running", false);
        node.put("home", dir.root().toString());
        node.putNull("gateway");
        node.putNull("gatewayPort");
        node.putNull("peerPort");
        var sites = node.putArray("sites");
        org.bitweb.updates.MutableStore keySites = org.bitweb.updates.MutableStore.open(dir);
        java.util.Set<String> versions = new java.util.HashSet<>();
        for (var keySite : keySites.list()) {
            versions.add(keySite.infohash());
            versions.addAll(keySite.previous());
        }
        SiteStore store = SiteStore.open(dir);
        for (SiteRecord record : store.list()) {
            if (versions.contains(record.infohash())) {
                continue; // shown once, under its key, below
            }
            sites.add(Json.tree(SiteStatus.of(record, SiteStats.NONE, record.published())));
        }
        // the same records the running engine shows, so status reads alike with and without it
        for (var keySite : keySites.list()) {
            SiteRecord current = store.get(keySite.infohash()).orElse(
                    new SiteRecord(keySite.infohash(), "", 0, 0, keySite.published(), keySite.seeding(), 0));
            sites.add(Json.tree(SiteStatus.of(current, SiteStats.NONE, current.published())
                    .asKeySite(keySite.site(), keySite.seq(), keySite.seeding(), keySite.keyName())));
        }
        return node;
    }
}
