package org.bitweb.daemon;

import org.bitweb.address.SaltLabel;
import org.bitweb.address.SiteAddress;
import org.bitweb.address.SiteLink;
import org.bitweb.keys.KeyRing;
import org.bitweb.messaging.ErrorCode;
import org.bitweb.messaging.ProtocolException;
import org.bitweb.messaging.Request;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A request's parameters as the engine's value types: site addresses and links, folders, key
 * names, salts and peers. Each is read here once. The value types validate themselves; a value
 * one refuses is answered with the code for that kind of value ({@code BAD_ADDRESS} for an
 * address, else {@code BAD_REQUEST}) and the type's own message, which says what is wrong.
 */
record Params(Request request) {

    /** A site named the way users paste it: a label, http://<site>.bitweb/..., or a magnet link. */
    SiteAddress address(String field) throws ProtocolException {
        return link(field).site();
    }

    /** A site, if the request names one in {@code field}. */
    Optional<SiteAddress> optionalAddress(String field) throws ProtocolException {
        return request.optionalText(field) == null ? Optional.empty() : Optional.of(address(field));
    }

    /** A link to a site, with its path and the peers a magnet link names. */
    SiteLink link(String field) throws ProtocolException {
        String text = request.text(field);
        return parsed(ErrorCode.BAD_ADDRESS, () -> SiteLink.parse(text));
    }

    /** An absolute path: the engine runs elsewhere than the caller, so a relative one means nothing to it. */
    Path absolutePath(String field) throws ProtocolException {
        String text = request.text(field);
        Path path = parsed(ErrorCode.BAD_REQUEST, () -> Path.of(text));
        if (!path.isAbsolute()) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "'" + field + "' must be an absolute folder path: " + text);
        }
        return path;
    }

    /** The name of one of this machine's keys, if the request names one. */
    Optional<String> keyName(String field) throws ProtocolException {
        String name = request.optionalText(field);
        return name == null ? Optional.empty() : Optional.of(parsed(ErrorCode.BAD_REQUEST, () -> KeyRing.checkName(name)));
    }

    /** A salt as the user typed it: its UTF-8 bytes, empty for none; refused if no host name can carry it. */
    byte[] salt(String field) throws ProtocolException {
        String text = request.optionalText(field);
        if (text == null || text.isEmpty()) {
            return new byte[0];
        }
        byte[] salt = text.getBytes(StandardCharsets.UTF_8);
        parsed(ErrorCode.BAD_REQUEST, () -> SaltLabel.encode(salt));
        return salt;
    }

    /** Peers to ask first, as {@code "IP:port"} strings; none when absent. */
    List<InetSocketAddress> peers(String field) throws ProtocolException {
        List<InetSocketAddress> peers = new ArrayList<>();
        for (String text : request.texts(field, "\"IP:port\" strings")) {
            peers.add(parsed(ErrorCode.BAD_REQUEST, () -> SiteLink.peer(text)));
        }
        return peers;
    }

    /** Runs a value type's parser; its refusal (IllegalArgumentException) becomes an answer with {@code code}. */
    private static <T> T parsed(ErrorCode code, Supplier<T> parser) throws ProtocolException {
        try {
            return parser.get();
        } catch (IllegalArgumentException e) {
            throw new ProtocolException(code, e.getMessage());
        }
    }
}
