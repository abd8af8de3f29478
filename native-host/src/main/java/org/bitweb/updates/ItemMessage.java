package org.bitweb.updates;

import bt.protocol.extended.ExtendedMessage;
import org.bitweb.dht.MutableItem;
import org.bitweb.torrent.Bencode;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * BitWeb's BEP 10 extension message {@value #NAME}: one signed BEP 44 item, passed between peers
 * of a site so that an update spreads at the speed of a connection, not of DHT lookups. The
 * payload is a bencoded dictionary with BEP 44's field names:
 * {@code {k: <32-byte key>, salt: <bytes, absent for none>, seq: <int>, v: <bencoded value as a
 * string>, sig: <64-byte signature>}}. A receiver checks it like an item from the DHT
 * ({@link ItemCheck}) and uses it only for a site it already follows.
 */
public final class ItemMessage extends ExtendedMessage {
    public static final String NAME = "bw_item";
    /** Far above any valid item (at most 32 + 64 + 64 + 1000 bytes and some framing). */
    public static final int MAX_PAYLOAD = 2048;

    private final MutableItem item;
    private final String problem;

    private ItemMessage(MutableItem item, String problem) {
        this.item = item;
        this.problem = problem;
    }

    public static ItemMessage of(MutableItem item) {
        return new ItemMessage(item, null);
    }

    /** The item, or empty if the payload was not a well-formed item ({@link #problem()} says why). */
    public Optional<MutableItem> item() {
        return Optional.ofNullable(item);
    }

    public String problem() {
        return problem;
    }

    public byte[] encode() {
        Map<String, Object> dict = new LinkedHashMap<>();
        dict.put("k", item.publicKey());
        if (item.salt().length > 0) {
            dict.put("salt", item.salt());
        }
        dict.put("seq", item.seq());
        dict.put("sig", item.signature());
        dict.put("v", item.value());
        return Bencode.encode(dict);
    }

    /** Never throws: a bad payload becomes a message without an item, so the connection survives it. */
    public static ItemMessage decode(byte[] payload) {
        if (payload.length > MAX_PAYLOAD) {
            return new ItemMessage(null, "payload of " + payload.length + " bytes");
        }
        try {
            if (!(Bencode.decode(payload) instanceof Map<?, ?> dict)) {
                return new ItemMessage(null, "not a dictionary");
            }
            Object seq = dict.get("seq");
            Object salt = dict.get("salt");
            if (!(dict.get("k") instanceof byte[] key) || !(seq instanceof Long number)
                    || !(dict.get("v") instanceof byte[] value) || !(dict.get("sig") instanceof byte[] sig)
                    || (salt != null && !(salt instanceof byte[]))) {
                return new ItemMessage(null, "fields missing or of the wrong type");
            }
            return new ItemMessage(new MutableItem(key, (byte[]) salt, number, value, sig), null);
        } catch (IllegalArgumentException e) {
            return new ItemMessage(null, e.getMessage());
        }
    }

    @Override
    public String toString() {
        return item != null ? "ItemMessage[" + item + "]" : "ItemMessage[malformed: " + problem + "]";
    }
}
