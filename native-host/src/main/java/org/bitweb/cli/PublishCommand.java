package org.bitweb.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bitweb.address.SiteAddress;
import org.bitweb.address.SiteLink;
import org.bitweb.engine.EngineLock;
import org.bitweb.json.Json;
import org.bitweb.messaging.EngineClient;
import org.bitweb.messaging.ProtocolException;
import org.bitweb.site.Publisher;
import org.bitweb.store.SiteRecord;
import org.bitweb.store.SiteStore;
import org.bitweb.store.StateDir;
import org.bitweb.torrent.TorrentMaker;
import org.bitweb.updates.Publishing;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code bitweb publish DIR}: makes a site of a folder. A running engine does the work and seeds
 * the site at once; without one, the site goes into the store under the engine lock, for the next
 * engine to seed.
 */
@Command(name = "publish",
        header = "Make a site of a folder, seed it, print its http://<site>.bitweb/ address.",
        description = {
            "The same folder always gives the same address. A running engine seeds the site at once; "
                    + "else the next 'bitweb serve' (or the browser extension) does.",
            "",
            "With --key the site is updatable: its address is the key's, and publishing again with "
                    + "the same key makes the next version of it (docs/UPDATES.md).",
            "",
            "With --in-place the folder is seeded from where it is, without a copy in the store: "
                    + "a file edited afterwards is no longer served, to peers or the browser, until the "
                    + "folder is published again (docs/STORAGE.md).",
            "",
            "Hidden files and folders (names starting with '.') and symbolic links are left out; "
                    + "publish says so when it leaves any out."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  bitweb publish ~/my-site",
            "  bitweb publish ~/blog --key blog                 signed by the key 'blog'",
            "  bitweb publish ~/photos --key blog --salt photos",
            "  bitweb publish ~/videos --in-place               seeded from ~/videos, no copy",
            "  bitweb publish ~/my-site --json"})
final class PublishCommand extends Subcommand {
    /** How many names of each kind a warning lists before it says "and N more". */
    private static final int NAMES_SHOWN = 5;

    @Parameters(paramLabel = "DIR", description = "the folder to publish: the one that holds the site's index.html")
    Path folder;

    @Option(names = "--key", paramLabel = "NAME", converter = Converters.KeyName.class,
            description = "make an updatable site signed with the key NAME (made if new): its address is the key's")
    String key;

    @Option(names = "--salt", paramLabel = "TEXT", converter = Converters.Salt.class,
            description = "with --key: one of several sites of that key, addressed <salt>.<key>.bitweb")
    String salt;

    @Option(names = "--in-place", description = "seed the folder from where it is, without copying it into the store; "
            + "edited files stop being served until it is published again")
    boolean inPlace;

    @Mixin
    JsonOption json;

    @Override
    public Integer call() throws IOException, ProtocolException {
        if (salt != null && key == null) {
            throw usage("--salt needs --key: only a site signed by a key has a salt");
        }
        if (inPlace && key != null) {
            throw usage("--in-place is for sites without --key: a key site's versions are copies in the store");
        }
        Path source = folder.toAbsolutePath().normalize();
        if (!Files.isDirectory(source)) {
            throw new CliException(Outcome.ERROR, "not a folder: " + source
                    + (Files.exists(source) ? " (publish takes the folder that holds index.html)" : " (no such folder)"));
        }
        StateDir dir = open();
        warnAbout(source, TorrentMaker.list(source));
        ProgressLine progress = new ProgressLine(err(), "hashing " + source.getFileName());
        JsonNode published = publishThroughEngine(dir, source, progress);
        if (published != null) {
            print(published, true);
        } else {
            print(publishHere(dir, source, progress), false);
        }
        return Outcome.OK.status;
    }

    /** What a running engine answers, or null when none runs. */
    private JsonNode publishThroughEngine(StateDir dir, Path source, ProgressLine progress) throws ProtocolException {
        try (EngineClient client = EngineClient.connect(dir.socket())) {
            ObjectNode request = Json.object().put("path", source.toString());
            if (inPlace) {
                request.put("inPlace", true);
            }
            if (key != null) {
                request.put("key", key);
                if (salt != null) {
                    request.put("salt", salt);
                }
            }
            JsonNode site = client.request("site.publish", request, (event, data) -> {
                if (event.equals("publish.progress")) {
                    progress.update(data.path("done").asLong(), data.path("total").asLong());
                }
            });
            progress.finish();
            return site;
        } catch (ProtocolException e) {
            progress.finish();
            throw e;
        } catch (IOException noEngine) {
            return null; // no engine listening: publish into the store here, under the engine lock
        }
    }

    private JsonNode publishHere(StateDir dir, Path source, ProgressLine progress) throws IOException {
        try (EngineLock lock = EngineLock.tryAcquire(dir).orElseThrow(() -> new CliException(Outcome.ENGINE,
                "an engine is starting for " + dir.root() + "; try again in a moment"))) {
            ObjectNode node = Json.object();
            if (key != null) {
                byte[] saltBytes = salt == null ? new byte[0] : salt.getBytes(StandardCharsets.UTF_8);
                var published = Publishing.publishOffline(dir, source, key, saltBytes, progress::update);
                progress.finish();
                SiteRecord site = published.version();
                node.put("address", published.site().label()).put("url", published.site().url()).put("name", site.name())
                        .put("size", site.size()).put("files", site.files()).put("infohash", site.infohash())
                        .put("seq", published.seq()).put("key", key);
            } else {
                SiteRecord site = inPlace ? Publisher.publishInPlace(dir, SiteStore.open(dir), source, progress::update)
                        : Publisher.publish(dir, SiteStore.open(dir), source, progress::update);
                progress.finish();
                SiteAddress address = new SiteAddress(SiteAddress.Kind.INFOHASH, site.infohash());
                node.put("address", address.label()).put("url", address.url()).put("name", site.name())
                        .put("size", site.size()).put("files", site.files());
            }
            return node;
        }
    }

    /**
     * Says on stderr what a visitor would miss: a home page, and what the folder holds that is
     * never published.
     */
    private void warnAbout(Path source, TorrentMaker.Listing listing) {
        if (!listing.files().isEmpty() && !listing.files().contains(Path.of("index.html"))) {
            warn(source + " has no index.html: the site's own address will answer 404 (not found), "
                    + "so visitors need a link to a page inside it");
        }
        List<Path> hiddenFiles = new ArrayList<>();
        List<Path> hiddenFolders = new ArrayList<>();
        for (Path hidden : listing.hidden()) {
            (Files.isDirectory(source.resolve(hidden), LinkOption.NOFOLLOW_LINKS) ? hiddenFolders : hiddenFiles).add(hidden);
        }
        List<String> kinds = new ArrayList<>();
        kinds.add(count(hiddenFiles, "hidden file", "hidden files", ""));
        kinds.add(count(hiddenFolders, "hidden folder", "hidden folders", "/"));
        kinds.add(count(listing.links(), "symbolic link", "symbolic links", ""));
        kinds.add(count(listing.special(), "special file (socket, pipe, device)", "special files (sockets, pipes, devices)", ""));
        kinds.removeIf(String::isEmpty);
        if (!kinds.isEmpty()) {
            warn("left out " + String.join(", ", kinds) + ": only plain files and folders whose names do not start "
                    + "with '.' are published");
        }
    }

    /** "2 hidden files (.env, .htaccess)", or "" for none. */
    private static String count(List<Path> paths, String one, String many, String suffix) {
        if (paths.isEmpty()) {
            return "";
        }
        List<String> names = new ArrayList<>();
        for (Path path : paths.subList(0, Math.min(NAMES_SHOWN, paths.size()))) {
            names.add(path + suffix);
        }
        if (paths.size() > NAMES_SHOWN) {
            names.add("and " + (paths.size() - NAMES_SHOWN) + " more");
        }
        return paths.size() + " " + (paths.size() == 1 ? one : many) + " (" + String.join(", ", names) + ")";
    }

    private void warn(String message) {
        err().println("bitweb publish: warning: " + message);
    }

    private void print(JsonNode site, boolean engineRunning) {
        String name = site.path("name").asText();
        long size = site.path("size").asLong();
        int files = site.path("files").asInt();
        boolean keySite = site.has("seq");
        if (json.on) {
            ObjectNode node = Json.object().put("address", site.path("address").asText()).put("url", site.path("url").asText())
                    .put("name", name).put("size", size).put("files", files);
            if (keySite) {
                node.put("infohash", site.path("infohash").asText()).put("seq", site.path("seq").asLong())
                        .put("key", site.path("key").asText());
                if (site.has("dhtNodes")) {
                    node.put("dhtNodes", site.path("dhtNodes").asInt());
                }
            }
            node.put("engine", engineRunning ? "running" : "stopped");
            out().println(Json.text(node));
            return;
        }
        out().printf(Locale.ROOT, "published %s: %d file%s, %s%n", name, files, files == 1 ? "" : "s", Format.bytes(size));
        if (keySite) {
            out().printf(Locale.ROOT, "version %d (torrent %s), signed by key '%s'%n", site.path("seq").asLong(),
                    site.path("infohash").asText(), site.path("key").asText());
        }
        out().println(site.path("url").asText());
        if (inPlace) {
            out().println("seeded from " + folder.toAbsolutePath().normalize() + " itself, not a copy: a file edited there "
                    + "is no longer served until you publish the folder again");
        }
        if (keySite) {
            out().println(SiteLink.magnet(SiteAddress.parseHostPart(site.path("address").asText())));
        }
        if (keySite && engineRunning) {
            int nodes = site.path("dhtNodes").asInt();
            out().println(nodes > 0 ? "the running engine is seeding it; " + nodes + " DHT node" + (nodes == 1 ? "" : "s")
                    + " took the update" : "the running engine is seeding it; the DHT did not take the update yet (it retries hourly)");
            return;
        }
        out().println(engineRunning ? "the running engine is seeding it now"
                : "the engine is not running: 'bitweb serve' (or opening the browser extension) starts seeding it"
                + (keySite ? " and puts the update into the DHT" : ""));
    }
}
