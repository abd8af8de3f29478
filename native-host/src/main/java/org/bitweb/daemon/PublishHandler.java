package org.bitweb.daemon;

import org.bitweb.address.SiteAddress;
import com.fasterxml.jackson.core.type.TypeReference;
import org.bitweb.engine.Engine;
import org.bitweb.json.Json;
import org.bitweb.messaging.Action;
import org.bitweb.messaging.Dispatcher;
import org.bitweb.messaging.ErrorCode;
import org.bitweb.messaging.ProtocolException;
import org.bitweb.messaging.Request;
import org.bitweb.messaging.Session;
import org.bitweb.site.Publisher;
import org.bitweb.updates.Publishing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code site.publish}: a folder becomes an immutable site (with {@code inPlace}, seeded from the
 * folder itself, docs/STORAGE.md), or with {@code key} the next version of the key site that one
 * of this machine's keys signs. Progress goes to the requesting
 * connection as {@code publish.progress} events.
 */
final class PublishHandler {
    /** At most five progress events a second: enough for a progress bar, few enough for a slow channel. */
    private static final long PROGRESS_EVERY_NANOS = 200_000_000L;

    private final Engine engine;

    PublishHandler(Engine engine) {
        this.engine = engine;
    }

    void register(Dispatcher dispatcher) {
        // an unreadable or empty folder, a missing key: the user's to fix, so an answer, not a bug
        dispatcher.add(Action.slow("site.publish", this::publish).whenIoFails(ErrorCode.PUBLISH_FAILED));
    }

    private Object publish(Request request, Session session) throws ProtocolException, IOException {
        Params params = new Params(request);
        Path folder = params.absolutePath("path");
        if (!Files.isDirectory(folder)) {
            throw new ProtocolException(ErrorCode.PUBLISH_FAILED, "no such folder: " + folder);
        }
        if (request.optionalText("salt") != null && request.optionalText("key") == null) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "'salt' needs a 'key': only a key site has a salt");
        }
        byte[] salt = params.salt("salt");
        Optional<String> keyName = params.keyName("key");
        Publisher.Progress progress = progressEvents(session, folder);
        boolean inPlace = request.flag("inPlace", false);
        if (inPlace && keyName.isPresent()) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "'inPlace' is for sites without a key: a key site's "
                    + "versions are copies in the store");
        }
        try {
            if (inPlace) {
                return engine.publishInPlace(folder, progress);
            }
            if (keyName.isEmpty()) {
                return engine.publish(folder, progress);
            }
            Publishing.Published published = engine.keySites().publish(folder, keyName.get(), salt, progress);
            Map<String, Object> data = new LinkedHashMap<>(Json.MAPPER.convertValue(published.site(),
                    new TypeReference<Map<String, Object>>() { }));
            data.put("signed", published.newSeq());
            data.put("dhtNodes", published.dhtNodes());
            // its links to other sites become "linked from" there (in the background: a second of work each)
            engine.comments().published(SiteAddress.parseHostPart(published.site().address()), keyName.get(), folder);
            return data;
        } catch (IOException e) {
            throw new IOException("could not publish " + folder + ": " + e.getMessage(), e);
        }
    }

    /** Reports hashing progress to the one connection that asked, throttled, always with the last step. */
    private static Publisher.Progress progressEvents(Session session, Path folder) {
        long[] lastReport = {0};
        return (done, total) -> {
            long now = System.nanoTime();
            if (done == total || now - lastReport[0] > PROGRESS_EVERY_NANOS) {
                lastReport[0] = now;
                session.sendEvent("publish.progress", Json.object().put("path", folder.toString())
                        .put("done", done).put("total", total));
            }
        };
    }
}
