package org.bitweb.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bitweb.address.SiteLink;
import org.bitweb.daemon.EngineDaemon;
import org.bitweb.engine.EngineOptions;
import org.bitweb.messaging.EngineClient;
import org.bitweb.json.Json;
import org.bitweb.messaging.ProtocolException;
import org.bitweb.store.AtomicFiles;
import org.bitweb.store.StateDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code bitweb get LINK -o DIR}: downloads a whole site, or one file of it, through the user's
 * engine (started here for the duration when none runs). Bytes come through the gateway exactly
 * as a browser gets them, so the command exercises the same path people use.
 */
final class GetCommand {
    private final StateDir dir;
    private final PrintStream out;
    private final PrintStream err;

    GetCommand(StateDir dir, PrintStream out, PrintStream err) {
        this.dir = dir;
        this.out = out;
        this.err = err;
    }

    int run(SiteLink link, Path output, List<InetSocketAddress> extraPeers, Duration timeout, InetAddress peerBind,
            org.bitweb.dht.DhtConfig dht, boolean lanDiscovery) throws IOException {
        EngineDaemon own = null;
        EngineClient client;
        try {
            client = EngineClient.connect(dir.socket());
        } catch (IOException noEngine) {
            own = EngineDaemon.start(dir, new EngineOptions(0, 0, peerBind).withDht(dht).withLanDiscovery(lanDiscovery));
            client = EngineClient.connect(dir.socket());
        }
        try (EngineClient engine = client) {
            return download(engine, link, output, extraPeers, timeout);
        } catch (ProtocolException e) {
            err.println("bitweb: " + e.getMessage());
            return 1;
        } finally {
            if (own != null) {
                own.close();
            }
        }
    }

    private int download(EngineClient engine, SiteLink link, Path output, List<InetSocketAddress> extraPeers,
                         Duration timeout) throws IOException, ProtocolException {
        String url = link.site().url();
        boolean whole = link.path().equals("/");
        ObjectNode request = Json.object().put("url", url).put("whole", whole).put("wait", 1000);
        ArrayNode peers = request.putArray("peers");
        List<InetSocketAddress> all = new ArrayList<>(link.peers());
        all.addAll(extraPeers);
        all.forEach(p -> peers.add(p.getAddress().getHostAddress().contains(":")
                ? "[" + p.getAddress().getHostAddress() + "]:" + p.getPort()
                : p.getAddress().getHostAddress() + ":" + p.getPort()));
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode state = engine.request("site.fetch", request);
        String lastStage = "";
        while (!state.path("ready").asBoolean()) {
            String stage = state.path("stage").asText();
            if (!stage.equals(lastStage)) {
                err.println(stage + " (" + state.path("peers").asInt() + " peers)");
                lastStage = stage;
            }
            if (System.nanoTime() > deadline) {
                err.println("bitweb: no peer sent " + url + " within " + timeout.toSeconds()
                        + " s; check the link, or name a peer that has it with --peer IP:PORT");
                return 1;
            }
            state = engine.request("site.fetch", request);
        }
        int gatewayPort = engine.request("hello", Json.object().put("protocol", 1)).path("gatewayPort").asInt();

        List<String> paths = new ArrayList<>();
        long total = 0;
        for (JsonNode file : state.path("files")) {
            String path = file.path("path").asText();
            String wanted = link.path().substring(1);
            boolean match = whole || path.equals(wanted) || (wanted.endsWith("/") || wanted.isEmpty()
                    ? path.equals(wanted + "index.html") : false);
            if (match) {
                paths.add(path);
                total += file.path("length").asLong();
            }
        }
        if (paths.isEmpty()) {
            err.println("bitweb: the site has no file at " + link.path());
            return 1;
        }
        HttpClient http = HttpClient.newBuilder()
                .proxy(ProxySelector.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), gatewayPort)))
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        ProgressLine progress = new ProgressLine(err, "downloading " + link.site().label().substring(0, 12) + "…");
        long[] done = {0};
        Files.createDirectories(output);
        for (String path : paths) {
            Path target = whole ? output.resolve(path) : output.resolve(Path.of(path).getFileName().toString());
            if (!target.normalize().startsWith(output.normalize())) {
                throw new IOException("refusing to write outside " + output + ": " + path);
            }
            Files.createDirectories(target.getParent());
            HttpRequest get = HttpRequest.newBuilder(URI.create(url + encode(path)))
                    .timeout(timeout).GET().build();
            HttpResponse<InputStream> response;
            try {
                response = http.send(get, HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
            if (response.statusCode() != 200) {
                response.body().close();
                throw new IOException("the gateway answered " + response.statusCode() + " for " + path);
            }
            // a plain new file (umask permissions, unlike createTempFile's owner-only ones)
            Path temp = target.resolveSibling("." + target.getFileName() + "." + System.nanoTime() + ".part");
            try (InputStream in = response.body(); OutputStream file = Files.newOutputStream(temp)) {
                byte[] buffer = new byte[256 * 1024];
                int n;
                while ((n = in.read(buffer)) > 0) {
                    file.write(buffer, 0, n);
                    done[0] += n;
                    progress.update(done[0], total);
                }
            } catch (IOException e) {
                Files.deleteIfExists(temp);
                throw new IOException("download of " + path + " broke off: " + e.getMessage(), e);
            }
            AtomicFiles.move(temp, target);
        }
        progress.finish();
        out.println("downloaded " + paths.size() + " file" + (paths.size() == 1 ? "" : "s") + ", "
                + Format.bytes(done[0]) + " to " + output);
        return 0;
    }

    /** Percent-encodes each path segment for the request line. */
    static String encode(String path) {
        StringBuilder out = new StringBuilder();
        for (String segment : path.split("/", -1)) {
            if (out.length() > 0) {
                out.append('/');
            }
            out.append(java.net.URLEncoder.encode(segment, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return out.toString();
    }
}
