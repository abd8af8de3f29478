package org.bitweb.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bitweb.json.Json;
import org.bitweb.messaging.ProtocolException;
import org.bitweb.store.StateDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** {@code bitweb comments URL}: what this engine knows of a page's comments and backlinks, after asking the swarm. */
@Command(name = "comments",
        header = "List a bitweb page's comments and the pages that link to it.",
        description = {
            "Asks the site's peers first (up to --wait seconds), so a script sees what a sidebar would: "
                    + "comments and replies, newest activity first, then the pages that link here.",
            "Under --json: {\"url\", \"total\", \"comments\": [{\"id\", \"kind\", \"author\", \"name\", \"time\", "
                    + "\"body\", \"parent\", \"from\", \"hidden\", ...}], ...}; links and responses come last, "
                    + "with kind \"link\" or \"response\" and the page in \"from\".",
            "Uses the running engine, or starts one for the command."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  bitweb comments http://<site>.bitweb/post.html",
            "  bitweb comments http://<site>.bitweb/ --json | jq '.comments[].body'"})
final class CommentsCommand extends Subcommand {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

    @Parameters(paramLabel = "URL", description = "the page: http://<site>.bitweb/path, a label or a magnet link")
    String url;

    @Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "3",
            description = "how long to wait for the site's peers (0..10, default ${DEFAULT-VALUE}; 0 asks nobody)")
    int waitSeconds;

    @Mixin
    NetworkOptions network;

    @Mixin
    JsonOption json;

    @Override
    public Integer call() throws IOException, ProtocolException {
        if (waitSeconds < 0 || waitSeconds > 10) {
            throw usage("--wait takes 0..10 seconds, not " + waitSeconds);
        }
        StateDir dir = open();
        try (EngineUse engine = EngineUse.connect(dir, network, io().env())) {
            ObjectNode request = Json.object().put("url", url).put("pageSize", 500).put("refresh", waitSeconds > 0)
                    .put("wait", waitSeconds * 1000);
            JsonNode first = engine.client.request("comments.list", request);
            ArrayNode all = Json.MAPPER.createArrayNode();
            all.addAll((ArrayNode) first.path("comments"));
            for (int page = 1; page < first.path("pages").asInt(1); page++) {
                JsonNode next = engine.client.request("comments.list", Json.object().put("url", url).put("pageSize", 500).put("page", page));
                all.addAll((ArrayNode) next.path("comments"));
            }
            all.addAll((ArrayNode) first.path("linkedFrom"));
            ObjectNode result = Json.object();
            result.put("url", first.path("url").asText());
            result.put("total", first.path("total").asInt());
            result.put("linkedFromTotal", first.path("linkedFromTotal").asInt());
            result.set("swarm", first.path("swarm"));
            result.set("comments", all);
            if (json.on) {
                out().println(Json.pretty(result));
            } else {
                print(result);
            }
            return Outcome.OK.status;
        }
    }

    private void print(JsonNode result) {
        PrintStream out = out();
        out.println(result.path("url").asText() + ": " + result.path("total").asInt() + " comment"
                + (result.path("total").asInt() == 1 ? "" : "s") + ", linked from " + result.path("linkedFromTotal").asInt()
                + " page" + (result.path("linkedFromTotal").asInt() == 1 ? "" : "s"));
        for (JsonNode item : result.path("comments")) {
            String kind = item.path("kind").asText();
            String indent = "  ".repeat(item.path("depth").asInt());
            String who = item.path("name").isNull() ? "" : item.path("name").asText() + " ";
            String when = WHEN.format(Instant.ofEpochSecond(item.path("time").asLong()));
            String flags = (item.path("hidden").asBoolean() ? " [hidden]" : "") + (item.path("muted").asBoolean() ? " [muted]" : "");
            if (kind.equals("link") || kind.equals("response")) {
                out.println("<- " + item.path("from").asText() + (item.path("body").asText().isEmpty() ? "" : "  \"" + item.path("body").asText() + "\"")
                        + "  (" + kind + ", " + when + ")");
                continue;
            }
            out.println(indent + when + "  " + who + "(" + item.path("author").asText().substring(0, 8) + ")  "
                    + item.path("id").asText() + flags);
            for (String line : item.path("body").asText().split("\n", -1)) {
                out.println(indent + "    " + line);
            }
        }
    }
}
