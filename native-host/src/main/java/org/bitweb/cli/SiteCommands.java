package org.bitweb.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bitweb.json.Json;
import org.bitweb.messaging.EngineClient;
import org.bitweb.messaging.ProtocolException;
import org.bitweb.store.StateDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;

/**
 * The popup's site actions on the command line: {@code bitweb sites}, {@code seed}, {@code unseed},
 * {@code remove}, {@code forget}. Each makes the same protocol call the popup makes, to the
 * running engine (which owns the store), so both have the same effect.
 */
final class SiteCommands {
    private SiteCommands() {
    }

    /** One call to the running engine; none running is {@link Outcome#ENGINE}. */
    static JsonNode call(StateDir dir, String action, ObjectNode params) throws ProtocolException {
        try (EngineClient client = EngineClient.connect(dir.socket())) {
            return client.request(action, params);
        } catch (IOException e) {
            throw new CliException(Outcome.ENGINE, "no engine runs for " + dir.root() + " (" + e.getMessage()
                    + "); start one: bitweb serve, or bitweb service install");
        }
    }

    static void printSite(PrintStream out, JsonNode site) {
        out.printf(Locale.ROOT, "%s  %-20s %10s  %d peer%s%s%s%n", site.path("url").asText(), site.path("name").asText(),
                Format.bytes(site.path("size").asLong()), site.path("peers").asInt(), site.path("peers").asInt() == 1 ? "" : "s",
                site.path("published").asBoolean() ? "  published" : "", site.path("seeding").asBoolean() ? "  seeding" : "");
    }

    @Command(name = "sites", header = "List the sites this engine holds: published, seeded and visited ones (sites.list).",
            footerHeading = "%nExamples:%n", footer = {"  bitweb sites", "  bitweb sites --json | jq -r '.sites[].url'"})
    static final class Sites extends Subcommand {
        @Mixin
        JsonOption json;

        @Override
        public Integer call() throws ProtocolException {
            JsonNode list = SiteCommands.call(open(), "sites.list", null);
            if (json.on) {
                out().println(Json.pretty(list));
            } else if (list.path("sites").isEmpty()) {
                out().println("no sites yet: 'bitweb publish DIR' makes one");
            } else {
                list.path("sites").forEach(site -> printSite(out(), site));
            }
            return Outcome.OK.status;
        }
    }

    /** A command on one site: SITE is its address, its http://<site>.bitweb/ URL or a magnet link. */
    abstract static class OneSite extends Subcommand {
        @Parameters(paramLabel = "SITE", description = "the site: http://<site>.bitweb/, its address, or a magnet link")
        String site;

        @Mixin
        JsonOption json;

        JsonNode call(String action) throws ProtocolException {
            return SiteCommands.call(open(), action, Json.object().put("address", site));
        }
    }

    @Command(name = "seed", header = "Share a site with other peers from now on, downloading it whole first (site.seed).",
            footerHeading = "%nExamples:%n", footer = {"  bitweb seed http://<site>.bitweb/"})
    static final class Seed extends OneSite {
        @Override
        public Integer call() throws ProtocolException {
            JsonNode status = call("site.seed");
            if (json.on) {
                out().println(Json.text(status));
            } else {
                out().println("seeding " + status.path("url").asText() + (status.path("published").asBoolean() ? ""
                        : " (downloading it whole first, if it is not yet)"));
            }
            return Outcome.OK.status;
        }
    }

    @Command(name = "unseed", header = "Stop sharing a site; it stays on this computer, readable here (site.unseed).",
            footerHeading = "%nExamples:%n", footer = {"  bitweb unseed http://<site>.bitweb/"})
    static final class Unseed extends OneSite {
        @Override
        public Integer call() throws ProtocolException {
            JsonNode status = call("site.unseed");
            out().println(json.on ? Json.text(status) : "no longer seeding " + status.path("url").asText());
            return Outcome.OK.status;
        }
    }

    @Command(name = "remove", header = "Remove a site and its files from this computer (site.remove).",
            footerHeading = "%nExamples:%n", footer = {"  bitweb remove http://<site>.bitweb/"})
    static class Remove extends OneSite {
        @Override
        public Integer call() throws ProtocolException {
            return removed(call("site.remove"));
        }

        Integer removed(JsonNode data) {
            out().println(json.on ? Json.text(data) : "removed " + site + ", freed " + Format.bytes(data.path("freed").asLong()));
            return Outcome.OK.status;
        }
    }

    @Command(name = "forget", header = "Forget a site: the same as remove, under the popup's other name (site.forget).",
            footerHeading = "%nExamples:%n", footer = {"  bitweb forget http://<site>.bitweb/"})
    static final class Forget extends Remove {
        @Override
        public Integer call() throws ProtocolException {
            return removed(call("site.forget"));
        }
    }
}
