package org.bitweb.nat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * A port the router forwards to this machine.
 *
 * @param transport    TCP or UDP
 * @param internalPort the port this machine listens on
 * @param externalPort the port on the router's outside address (the same one when the router allows it)
 * @param lease        how long the router keeps it without a renewal; {@link Duration#ZERO} for
 *                     "until removed" (old UPnP routers that take permanent leases only)
 * @param external     the router's outside address, when it said
 * @param token        what the protocol needs to renew or remove it (the PCP nonce), or null
 */
public record Mapping(Transport transport, int internalPort, int externalPort, Duration lease, InetAddress external,
                      byte[] token) {
    public Mapping {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(lease, "lease");
        checkPort(internalPort, "internal");
        checkPort(externalPort, "external");
        if (lease.isNegative()) {
            throw new IllegalArgumentException("a lease is not negative: " + lease);
        }
    }

    private static void checkPort(int port, String what) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("the " + what + " port of a mapping is 1..65535, not " + port);
        }
    }
}
