package org.bitweb.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bitweb.json.Json;
import org.bitweb.messaging.ProtocolException;
import org.bitweb.store.StateDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;

/** {@code bitweb comment URL TEXT [--reply-to ID]}: posts a comment, or a reply, on a bitweb page. */
@Command(name = "comment",
        header = "Post a comment on a bitweb page, or a reply to one of its comments.",
        description = {
            "Signs TEXT with your reader key (made the first time) and sends it to the site's peers; "
                    + "prints the comment's id. About a second of proof of work goes into every comment.",
            "",
            "Posting reveals your reader key and display name to the site's peers and to everyone who "
                    + "reads its comments, and your IP address to the peers it is sent to (docs/PRIVACY.md). "
                    + "Uses the running engine, or starts one until the comment has reached a peer."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  bitweb comment http://<site>.bitweb/post.html 'Well written.'",
            "  bitweb comment http://<site>.bitweb/post.html 'Thanks!' --reply-to <id> --json"})
final class CommentCommand extends Subcommand {
    @Parameters(index = "0", paramLabel = "URL", description = "the page: http://<site>.bitweb/path, a label or a magnet link")
    String url;

    @Parameters(index = "1", paramLabel = "TEXT", description = "the comment: plain text, at most 4000 bytes")
    String text;

    @Option(names = "--reply-to", paramLabel = "ID", description = "answer the comment with this id (64 hex, as 'bitweb comments' shows)")
    String replyTo;

    @Option(names = "--timeout", paramLabel = "SECONDS", converter = Converters.Seconds.class, defaultValue = "20",
            description = "with an engine started for the command: how long to look for the site's peers (default ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @Mixin
    NetworkOptions network;

    @Mixin
    JsonOption json;

    @Override
    public Integer call() throws IOException, ProtocolException {
        StateDir dir = open();
        try (EngineUse engine = EngineUse.connect(dir, network, io().env())) {
            ObjectNode request = Json.object().put("url", url).put("body", text);
            if (replyTo != null) {
                request.put("replyTo", replyTo);
            }
            JsonNode posted = engine.client.request("comments.post", request);
            int peers = posted.path("peers").asInt();
            // with nobody connected (and not holding the site, whose peers come to it), reach the swarm
            if ((peers == 0 && !posted.path("held").asBoolean()) || engine.started()) {
                // reaching the site's peers hands them what this engine wrote for it
                JsonNode reached = engine.client.request("comments.list", Json.object().put("url", url).put("refresh", true)
                        .put("wait", Math.min(10_000, timeoutSeconds * 1000)));
                peers = reached.path("swarm").path("answered").asInt();
            }
            if (json.on) {
                out().println(Json.text(((ObjectNode) posted).put("peers", peers)));
            } else {
                out().println(posted.path("id").asText());
                if (peers == 0) {
                    err().println("no peer of the site is connected now: the comment goes to each that connects");
                }
            }
            return Outcome.OK.status;
        }
    }
}
