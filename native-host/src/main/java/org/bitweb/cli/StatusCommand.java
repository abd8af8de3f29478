package org.bitweb.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bitweb.json.Json;
import org.bitweb.messaging.EngineClient;
import org.bitweb.messaging.ProtocolException;
import org.bitweb.site.SiteStats;
import org.bitweb.site.SiteStatus;
import org.bitweb.store.SiteRecord;
import org.bitweb.store.SiteStore;
import org.bitweb.store.StateDir;
import org.bitweb.updates.MutableStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.IOException;
import java.io.PrintStream;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/** {@code bitweb status}: whether an engine runs, and the sites, from it or from the store. */
@Command(name = "status",
        header = "Show whether the engine runs, its gateway and ports, and every site with its size and peers.",
        description = {
            "Works with and without a running engine: without one it reads the state folder "
                    + "(\"running\": false under --json)."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  bitweb status",
            "  bitweb status --json | jq .running"})
final class StatusCommand extends Subcommand {
    @Mixin
    JsonOption json;

    @Override
    public Integer call() throws IOException, ProtocolException {
        StateDir dir = open();
        ObjectNode status;
        try (EngineClient client = EngineClient.connect(dir.socket())) {
            status = ((ObjectNode) client.request("status", null)).put("running", true);
        } catch (IOException noEngine) {
            status = offlineStatus(dir);
        }
        if (json.on) {
            out().println(Json.pretty(status));
        } else {
            print(status);
        }
        return Outcome.OK.status;
    }

    private void print(JsonNode status) {
        PrintStream out = out();
        boolean running = status.path("running").asBoolean();
        out.println("state:   " + status.path("home").asText());
        out.println(running ? "engine:  running (pid " + status.path("pid").asText() + ")"
                : "engine:  not running ('bitweb serve' starts it)");
        if (running) {
            out.println("gateway: " + status.path("gateway").asText());
            out.println("peers:   port " + status.path("peerPort").asText()
                    + (status.path("lanDiscovery").asBoolean() ? ", local peer discovery on" : ""));
            JsonNode reach = status.path("reachability");
            if (reach.isObject()) {
                out.println("reach:   " + reach.path("state").asText().replace('-', ' ') + ": " + reach.path("detail").asText());
                if (reach.hasNonNull("advice")) {
                    out.println("         what to do: " + reach.path("advice").asText());
                }
            }
        }
        JsonNode sites = status.path("sites");
        out.println("sites:   " + sites.size());
        for (JsonNode site : sites) {
            out.printf(Locale.ROOT, "  %s  %-20s %10s  %d peer%s%s%n", site.path("url").asText(), site.path("name").asText(),
                    Format.bytes(site.path("size").asLong()), site.path("peers").asInt(),
                    site.path("peers").asInt() == 1 ? "" : "s", site.path("seeding").asBoolean() ? "  seeding" : "");
        }
    }

    /** The same fields the running engine gives, read from the state folder. */
    private static ObjectNode offlineStatus(StateDir dir) throws IOException {
        ObjectNode node = Json.object();
        node.put("running", false);
        node.put("home", dir.root().toString());
        node.putNull("gateway");
        node.putNull("gatewayPort");
        node.putNull("peerPort");
        ArrayNode sites = node.putArray("sites");
        MutableStore keySites = MutableStore.open(dir);
        Set<String> versions = new HashSet<>();
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
