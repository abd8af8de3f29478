package org.bitweb.dht;

/** A DHT operation that could not be done, with a message a user can act on. */
public class DhtException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DhtException(String message) {
        super(message);
    }
}
