package org.bitweb.daemon;

import org.bitweb.address.SiteAddress;
import org.bitweb.comments.Bytes32;
import org.bitweb.comments.CommentNetwork;
import org.bitweb.comments.CommentRecord;
import org.bitweb.comments.Comments;
import org.bitweb.comments.Listing;
import org.bitweb.comments.ModerationList;
import org.bitweb.comments.Page;
import org.bitweb.comments.ReaderIdentity;
import org.bitweb.comments.RecordException;
import org.bitweb.engine.Engine;
import org.bitweb.messaging.Action;
import org.bitweb.messaging.Dispatcher;
import org.bitweb.messaging.ErrorCode;
import org.bitweb.messaging.ProtocolException;
import org.bitweb.messaging.Request;
import org.bitweb.messaging.Session;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Comments and backlinks (docs/COMMENTS.md): {@code comments.list}, {@code comments.count},
 * {@code comments.post}, {@code comments.moderate}, {@code comments.mute}, and the reader's
 * identity: {@code identity.get}, {@code identity.set}, {@code identity.export},
 * {@code identity.import}. A record a rule refuses is {@code COMMENT_REFUSED}, its message
 * starting with the rule's name; moderating a site whose key this machine does not hold is
 * {@code NOT_OWNER}.
 */
final class CommentsHandler {
    /** The most a reader waits for the site's peers in one {@code comments.list}. */
    static final Duration MAX_WAIT = Duration.ofSeconds(10);

    private final Engine engine;

    CommentsHandler(Engine engine) {
        this.engine = engine;
    }

    private Comments comments() {
        return engine.comments().comments();
    }

    void register(Dispatcher dispatcher) {
        dispatcher.add(Action.slow("comments.list", this::list))
                .add(Action.slow("comments.count", this::count))
                .add(Action.slow("comments.post", this::post).whenRefused(ErrorCode.COMMENT_REFUSED))
                .add(Action.slow("comments.moderate", this::moderate).whenRefused(ErrorCode.COMMENT_REFUSED))
                .add(Action.quick("comments.mute", this::mute))
                .add(Action.quick("identity.get", (request, session) -> identity(null)))
                .add(Action.slow("identity.set", this::setIdentity).whenRefused(ErrorCode.BAD_REQUEST))
                .add(Action.slow("identity.export", (request, session) -> Map.of("text", comments().identity().export())))
                .add(Action.slow("identity.import", this::importIdentity).whenIoFails(ErrorCode.BAD_REQUEST));
    }

    /** The page a request names: {@code url} as a user pastes it (query and fragment are not part of a page). */
    private static Page page(Request request) throws ProtocolException {
        String url = request.text("url");
        try {
            return Page.parse(url);
        } catch (IllegalArgumentException e) {
            throw new ProtocolException(ErrorCode.BAD_ADDRESS, e.getMessage());
        }
    }

    private static Bytes32 key(Request request, String field) throws ProtocolException {
        String text = request.text(field);
        try {
            return Bytes32.hex(text.toLowerCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "'" + field + "' is 64 hex digits (a record id or an author key): " + text);
        }
    }

    private Object list(Request request, Session session) throws Exception {
        Page page = page(request);
        int pageNo = (int) request.number("page", 0);
        int pageSize = (int) request.number("pageSize", Listing.DEFAULT_PAGE_SIZE);
        if (pageNo < 0 || pageSize < 1 || pageSize > Listing.MAX_PAGE_SIZE) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "'page' is 0 or more and 'pageSize' 1.." + Listing.MAX_PAGE_SIZE);
        }
        CommentNetwork.Refresh refresh = null;
        if (request.flag("refresh", false)) {
            long wait = request.number("wait", 3000);
            if (wait < 0 || wait > MAX_WAIT.toMillis()) {
                throw new ProtocolException(ErrorCode.BAD_REQUEST, "'wait' is 0.." + MAX_WAIT.toMillis() + " ms");
            }
            refresh = engine.comments().refresh(page, Duration.ofMillis(wait));
        }
        Listing listing = comments().list(page, pageNo, pageSize);
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("url", page.url());
        reply.put("site", page.site().label());
        reply.put("path", page.path());
        reply.put("total", listing.total());
        reply.put("threads", listing.threads());
        reply.put("page", listing.pageNo());
        reply.put("pages", listing.pages());
        reply.put("pageSize", pageSize);
        reply.put("comments", listing.items().stream().map(CommentsHandler::item).toList());
        reply.put("linkedFrom", listing.linkedFrom().stream().map(CommentsHandler::item).toList());
        reply.put("linkedFromTotal", listing.linkedFromTotal());
        reply.put("owner", comments().owns(page.site()));
        reply.put("moderation", comments().store().moderation(page.site()).map(CommentsHandler::moderation).orElse(null));
        reply.put("identity", identity(page.site()));
        if (refresh != null) {
            reply.put("swarm", Map.of("asked", refresh.asked(), "answered", refresh.answered()));
        }
        return reply;
    }

    /** One record as the sidebar and {@code bitweb comments --json} show it. */
    static Map<String, Object> item(Listing.Item item) {
        CommentRecord record = item.record();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", item.id().hex());
        out.put("kind", record.kind().wire());
        out.put("author", record.author().hex());
        out.put("name", record.name());
        out.put("time", record.time());
        out.put("body", record.body());
        out.put("parent", record.parent() == null ? null : record.parent().hex());
        if (record.from() != null) {
            out.put("from", record.from().url());
        }
        out.put("hidden", item.hidden());
        out.put("muted", item.muted());
        out.put("mine", item.mine());
        out.put("depth", item.depth());
        return out;
    }

    private static Map<String, Object> moderation(ModerationList list) {
        return Map.of("seq", list.seq(), "hidden", list.hidden().size(), "hiddenAuthors", list.hiddenAuthors().size());
    }

    private Object count(Request request, Session session) throws Exception {
        return Map.of("count", comments().count(page(request)));
    }

    private Object post(Request request, Session session) throws Exception {
        Page page = page(request);
        String body = request.text("body");
        Bytes32 parent = request.has("replyTo") && request.optionalText("replyTo") != null ? key(request, "replyTo") : null;
        CommentRecord record;
        try {
            record = comments().post(page, body, parent, () -> !session.isOpen())
                    .orElseThrow(() -> new ProtocolException(ErrorCode.INTERNAL, "the post was given up: its client left"));
        } catch (RecordException e) {
            throw refused(e);
        }
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("id", record.id().hex());
        reply.put("url", page.url());
        reply.put("kind", record.kind().wire());
        reply.put("author", record.author().hex());
        reply.put("time", record.time());
        reply.put("peers", engine.comments().exchange().peersOf(page.site()));
        reply.put("held", engine.comments().holds(page.site()));
        return reply;
    }

    private Object moderate(Request request, Session session) throws Exception {
        Page page = page(request);
        // "change", not "action": that field of a request is the protocol's own
        String action = request.text("change");
        Comments.Action what;
        Bytes32 target;
        switch (action) {
            case "hide", "unhide", "keep", "unkeep" -> {
                what = Comments.Action.valueOf(action.toUpperCase(java.util.Locale.ROOT));
                target = key(request, "record"); // "record", not "id": that field is the protocol's own
            }
            case "hide-author", "unhide-author" -> {
                what = action.equals("hide-author") ? Comments.Action.HIDE_AUTHOR : Comments.Action.UNHIDE_AUTHOR;
                target = key(request, "author");
            }
            default -> throw new ProtocolException(ErrorCode.BAD_REQUEST,
                    "'change' is hide, unhide, hide-author, unhide-author, keep or unkeep, not '" + action + "'");
        }
        SiteAddress site = page.site();
        if (site.kind() == SiteAddress.Kind.PUBLIC_KEY && !comments().owns(site)) {
            throw new ProtocolException(ErrorCode.NOT_OWNER, "this machine does not hold the key of " + site.host()
                    + ": only its owner moderates its comments (you can mute authors for yourself)");
        }
        try {
            return moderation(comments().moderate(site, what, target));
        } catch (RecordException e) {
            throw refused(e);
        }
    }

    /** A rule's refusal: the rule's name first (docs/COMMENTS.md), then what was wrong. */
    private static ProtocolException refused(RecordException e) {
        return new ProtocolException(ErrorCode.COMMENT_REFUSED, e.reason().wire() + ": " + e.getMessage());
    }

    private Object mute(Request request, Session session) throws Exception {
        boolean muted = request.flag("muted", true);
        if (request.optionalText("author") != null) {
            comments().mutes().author(key(request, "author"), muted);
        } else {
            comments().mutes().record(key(request, "record"), muted);
        }
        return Map.of("muted", muted);
    }

    private Map<String, Object> identity(SiteAddress site) throws IOException {
        ReaderIdentity identity = comments().identity();
        ReaderIdentity.Settings settings = identity.settings();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("exists", identity.exists());
        out.put("publicKey", identity.exists() ? identity.publicKey().hex() : null);
        out.put("author", site == null ? null : identity.authorFor(site).map(Bytes32::hex).orElse(null));
        out.put("name", settings.name());
        out.put("perSite", settings.perSite());
        return out;
    }

    private Object setIdentity(Request request, Session session) throws Exception {
        String name = request.has("name") ? request.optionalText("name") : null;
        Boolean perSite = request.has("perSite") ? request.flag("perSite") : null;
        comments().identity().update(name == null && request.has("name") ? "" : name, perSite);
        return identity(null);
    }

    private Object importIdentity(Request request, Session session) throws Exception {
        comments().identity().importKey(request.text("text"), request.flag("replace", false), "the pasted key");
        return identity(null);
    }
}
