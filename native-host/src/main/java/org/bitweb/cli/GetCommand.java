package org.bitweb.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bitweb.address.SiteLink;
import org.bitweb.daemon.EngineDaemon;
import org.bitweb.engine.EngineOptions;
import org.bitweb.json.Json;
import org.bitweb.messaging.EngineClient;
import org.bitweb.messaging.Protocol;
import org.bitweb.messaging.ProtocolException;
import org.bitweb.store.AtomicFiles;
import org.bitweb.store.StateDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * {@code bitweb get LINK -o DIR}: downloads a whole site, or one file of it, through the user's
 * engine (started here for the duration when none runs). Bytes come through the gateway exactly
 * as a browser gets them, so the command exercises the same path people use.
 */
@Command(name = "get",
        header = "Download a site, or one file of it, into a folder.",
        description = {
            "LINK is http://<site>.bitweb/[path], a bare site label, or a magnet link "
                    + "(xt=urn:btih:..., or xs=urn:btpk:<key hex>[&s=<salt hex>] for a key site; "
                    + "x.pe=IP:PORT names a peer, so no DHT is needed).",
            "",
            "Uses the running engine, or starts one for the download."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  bitweb get http://<site>.bitweb/ -o copy",
            "  bitweb get http://<site>.bitweb/docs/guide.pdf     one file, to ./guide.pdf",
            "  bitweb get 'magnet:?xt=urn:btih:<hex>&x.pe=192.0.2.7:47801' -o copy"})
final class GetCommand extends Subcommand {
    @Parameters(paramLabel = "LINK", converter = Converters.Link.class, description = "what to download")
    SiteLink link;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", defaultValue = ".",
            description = "the folder to download into (default: the current folder)")
    Path output;

    @Option(names = "--peer", paramLabel = "IP:PORT", split = ",", converter = Converters.Peer.class,
            description = "peers to ask first, besides the link's own hints (comma-separated or repeated)")
    List<InetSocketAddress> peers = new ArrayList<>();

    @Option(names = "--timeout", paramLabel = "SECONDS", converter = Converters.Seconds.class, defaultValue = "120",
            description = "give up when no peer sends the site's file list in time (default ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @Option(names = "--dht-port", paramLabel = "N", converter = Converters.Port.class, defaultValue = "0",
            description = "UDP port of the DHT node of an engine started for the download (default: any free port)")
    int dhtPort;

    @Mixin
    NetworkOptions network;

    @Mixin
    JsonOption json;

    /** One file of the site to write. */
    record Wanted(String path, long length) {
    }

    @Override
    public Integer call() throws IOException, ProtocolException {
        StateDir dir = open();
        Path target = output.toAbsolutePath().normalize();
        Duration timeout = Duration.ofSeconds(timeoutSeconds);
        EngineDaemon own = null;
        EngineClient client;
        try {
            client = EngineClient.connect(dir.socket());
        } catch (IOException noEngine) {
            own = EngineDaemon.start(dir, new EngineOptions(0, 0, network.bind())
                    .withDht(network.dht(dhtPort, io().env())).withLanDiscovery(network.lanDiscovery(io().env())));
            client = EngineClient.connect(dir.socket());
        }
        try (EngineClient engine = client) {
            return download(engine, target, timeout);
        } finally {
            if (own != null) {
                own.close();
            }
        }
    }

    private int download(EngineClient engine, Path target, Duration timeout) throws IOException, ProtocolException {
        JsonNode site = awaitFileList(engine, timeout);
        List<Wanted> files = wanted(site);
        HttpClient http = throughGateway(engine);
        ProgressLine progress = new ProgressLine(err(), "downloading " + link.site().label().substring(0, 12) + "…");
        long total = files.stream().mapToLong(Wanted::length).sum();
        long done = 0;
        Files.createDirectories(target);
        for (Wanted file : files) {
            long before = done;
            done += fetch(http, file, placeOf(file, target), timeout, n -> progress.update(before + n, total));
        }
        progress.finish();
        if (json.on) {
            out().println(Json.text(Json.object().put("files", files.size()).put("bytes", done).put("output", target.toString())));
        } else {
            out().println("downloaded " + files.size() + " file" + (files.size() == 1 ? "" : "s") + ", "
                    + Format.bytes(done) + " to " + target);
        }
        return Outcome.OK.status;
    }

    /** Asks the engine for the site until its file list has come from a peer, or the time is up. */
    private JsonNode awaitFileList(EngineClient engine, Duration timeout) throws ProtocolException {
        boolean whole = link.path().equals("/");
        ObjectNode request = Json.object().put("url", link.site().url()).put("whole", whole).put("wait", 1000);
        ArrayNode hints = request.putArray("peers");
        List<InetSocketAddress> all = new ArrayList<>(link.peers());
        all.addAll(peers);
        for (InetSocketAddress peer : all) {
            String ip = peer.getAddress().getHostAddress();
            hints.add(ip.contains(":") ? "[" + ip + "]:" + peer.getPort() : ip + ":" + peer.getPort());
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode state = ask(engine, "site.fetch", request); // answers within "wait" ms, ready or not
        String lastStage = "";
        while (!state.path("ready").asBoolean()) {
            String stage = state.path("stage").asText();
            if (!stage.equals(lastStage)) {
                err().println(stage + " (" + state.path("peers").asInt() + " peers)");
                lastStage = stage;
            }
            if (System.nanoTime() > deadline) {
                throw new CliException(Outcome.TIMEOUT, "no peer sent " + link.site().url() + " within "
                        + timeout.toSeconds() + " s; check the link, or name a peer that has it with --peer IP:PORT");
            }
            state = ask(engine, "site.fetch", request);
        }
        return state;
    }

    /** A request to the engine, whose connection breaking is the engine's failure, not a file's. */
    private static JsonNode ask(EngineClient engine, String action, ObjectNode request) throws ProtocolException {
        try {
            return engine.request(action, request);
        } catch (IOException e) {
            throw new CliException(Outcome.ENGINE, "the engine stopped answering (" + e.getMessage()
                    + "); 'bitweb status' says whether it runs, and logs/bitweb.log in the state folder why");
        }
    }

    /** The files the link asks for: all of them, one path, or a folder's index.html. */
    private List<Wanted> wanted(JsonNode site) {
        boolean whole = link.path().equals("/");
        String asked = link.path().substring(1);
        boolean folder = asked.isEmpty() || asked.endsWith("/");
        List<Wanted> files = new ArrayList<>();
        for (JsonNode file : site.path("files")) {
            String path = file.path("path").asText();
            if (whole || path.equals(asked) || (folder && path.equals(asked + "index.html"))) {
                files.add(new Wanted(path, file.path("length").asLong()));
            }
        }
        if (files.isEmpty()) {
            throw new CliException(Outcome.ERROR, "the site has no file at " + link.path());
        }
        return files;
    }

    /** An HTTP client whose proxy is the engine's gateway, as the browser extension sets it up. */
    private static HttpClient throughGateway(EngineClient engine) throws ProtocolException {
        int gatewayPort = ask(engine, "hello", Json.object().put("protocol", Protocol.VERSION)).path("gatewayPort").asInt();
        return HttpClient.newBuilder()
                .proxy(ProxySelector.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), gatewayPort)))
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    /** Where a file goes: its path under the folder for a whole site, else just its name. */
    private Path placeOf(Wanted file, Path target) throws IOException {
        boolean whole = link.path().equals("/");
        Path place = whole ? target.resolve(file.path()) : target.resolve(Path.of(file.path()).getFileName().toString());
        if (!place.normalize().startsWith(target)) {
            throw new IOException("refusing to write outside " + target + ": " + file.path());
        }
        return place;
    }

    /**
     * Downloads one file through the gateway into a temporary file beside its place, then moves it
     * there in one step: a broken download leaves no half file under the real name.
     *
     * @return the bytes written
     */
    private long fetch(HttpClient http, Wanted file, Path place, Duration timeout, LongConsumer written)
            throws IOException {
        Files.createDirectories(place.getParent());
        HttpRequest get = HttpRequest.newBuilder(URI.create(link.site().url() + encode(file.path()))).timeout(timeout).GET().build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(get, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(Outcome.INTERRUPTED, "interrupted while downloading " + file.path());
        }
        if (response.statusCode() != 200) {
            response.body().close();
            throw new IOException("the gateway answered " + response.statusCode() + " for " + file.path());
        }
        // a plain new file (umask permissions, unlike createTempFile's owner-only ones)
        Path temp = place.resolveSibling("." + place.getFileName() + "." + System.nanoTime() + ".part");
        long done = 0;
        try (InputStream in = response.body(); OutputStream out = Files.newOutputStream(temp)) {
            byte[] buffer = new byte[256 * 1024];
            int n;
            while ((n = in.read(buffer)) > 0) {
                out.write(buffer, 0, n);
                done += n;
                written.accept(done);
            }
        } catch (IOException e) {
            Files.deleteIfExists(temp);
            throw new IOException("download of " + file.path() + " broke off: " + e.getMessage(), e);
        }
        AtomicFiles.move(temp, place);
        return done;
    }

    /** Percent-encodes each path segment for the request line. */
    static String encode(String path) {
        StringBuilder out = new StringBuilder();
        for (String segment : path.split("/", -1)) {
            if (out.length() > 0) {
                out.append('/');
            }
            out.append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return out.toString();
    }
}
