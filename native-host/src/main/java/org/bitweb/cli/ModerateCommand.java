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

/** {@code bitweb moderate URL hide|unhide ID|--author KEY}: the owner of an updatable site hides comments for everyone. */
@Command(name = "moderate",
        header = "Hide or unhide a comment, or everything by one author, on a site whose key you hold.",
        description = {
            "Signs the site's moderation list with its key (bitweb key) and sends it to the site's peers: every engine "
                    + "that holds the site's comments drops what it hides. Only updatable sites (published with --key) "
                    + "have an owner who can moderate; anyone can mute authors for themselves in the sidebar.",
            "Uses the running engine, or starts one until the list has reached a peer."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  bitweb moderate http://<key>.bitweb/post.html hide <comment id>",
            "  bitweb moderate http://<key>.bitweb/ hide --author <author key>",
            "  bitweb moderate http://<key>.bitweb/ unhide <comment id>"})
final class ModerateCommand extends Subcommand {
    enum Change {
        hide, unhide
    }

    @Parameters(index = "0", paramLabel = "URL", description = "a page of the site")
    String url;

    @Parameters(index = "1", paramLabel = "hide|unhide", description = "what to do")
    Change change;

    @Parameters(index = "2", arity = "0..1", paramLabel = "ID", description = "the comment's id (64 hex)")
    String id;

    @Option(names = "--author", paramLabel = "KEY", description = "every comment by this author key (64 hex) instead")
    String author;

    @Mixin
    NetworkOptions network;

    @Mixin
    JsonOption json;

    @Override
    public Integer call() throws IOException, ProtocolException {
        if ((id == null) == (author == null)) {
            throw usage("give a comment ID or --author KEY, not " + (id == null ? "neither" : "both"));
        }
        StateDir dir = open();
        try (EngineUse engine = EngineUse.connect(dir, network, io().env())) {
            ObjectNode request = Json.object().put("url", url);
            if (id != null) {
                request.put("change", change.name()).put("record", id);
            } else {
                request.put("change", change.name() + "-author").put("author", author);
            }
            JsonNode list = engine.client.request("comments.moderate", request);
            if (engine.started()) {
                // an engine started for this: reach the site's peers, so the list leaves before it stops
                engine.client.request("comments.list", Json.object().put("url", url).put("refresh", true).put("wait", 5000));
            }
            if (json.on) {
                out().println(Json.text(list));
            } else {
                out().println((change == Change.hide ? "hidden" : "unhidden") + "; the moderation list is now version "
                        + list.path("seq").asLong() + " (" + list.path("hidden").asInt() + " comments, "
                        + list.path("hiddenAuthors").asInt() + " authors hidden)");
            }
            return Outcome.OK.status;
        }
    }
}
