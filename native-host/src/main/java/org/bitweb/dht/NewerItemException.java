package org.bitweb.dht;

/** A put refused because the DHT already holds a newer item under the key: sign above {@link #newestSeq()}. */
public final class NewerItemException extends DhtException {
    private static final long serialVersionUID = 1L;
    private final long newestSeq;

    public NewerItemException(long newestSeq, long refusedSeq) {
        super("the DHT already holds seq " + newestSeq + " for this key; not putting seq " + refusedSeq);
        this.newestSeq = newestSeq;
    }

    public long newestSeq() {
        return newestSeq;
    }
}
