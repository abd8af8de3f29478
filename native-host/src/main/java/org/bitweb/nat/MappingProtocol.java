package org.bitweb.nat;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;

/** One way of asking a router for a port: UPnP IGD, PCP or NAT-PMP. */
interface MappingProtocol {
    /** A name for people: "UPnP IGD", "PCP", "NAT-PMP". */
    String name();

    /** The router's outside address, if it tells. */
    Optional<InetAddress> externalAddress() throws IOException;

    /**
     * Asks for {@code internalPort} to be forwarded, on the same outside port if possible.
     *
     * @param previous the mapping this renews, or null for a new one
     * @throws MappingRefused when the router answered no
     * @throws IOException    when it did not answer
     */
    Mapping map(Transport transport, int internalPort, Duration lease, Mapping previous) throws IOException;

    /** Removes a mapping made by {@link #map}. */
    void unmap(Mapping mapping) throws IOException;

    /** The router answered, and said no: a code and its meaning. */
    final class MappingRefused extends IOException {
        final int code;

        MappingRefused(String protocol, int code, String meaning) {
            super(protocol + " refused the mapping: " + meaning + " (" + code + ")");
            this.code = code;
        }
    }
}
