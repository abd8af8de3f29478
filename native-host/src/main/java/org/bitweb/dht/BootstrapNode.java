package org.bitweb.dht;

import java.util.Locale;

/**
 * A DHT node to join through: a host name or IP literal and a UDP port, as in
 * {@code router.bittorrent.com:6881} or {@code 198.18.0.1:6881}. Names are resolved when the node
 * bootstraps, never here.
 */
public record BootstrapNode(String host, int port) {
    public BootstrapNode {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("bootstrap node host must not be empty");
        }
        if (host.chars().anyMatch(c -> Character.isWhitespace(c) || c == '/' || c == '@')) {
            throw new IllegalArgumentException("bootstrap node host is not a host name or IP address: '" + host + "'");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("bootstrap node port must be 1..65535, not " + port + " (" + host + ")");
        }
        host = host.toLowerCase(Locale.ROOT);
    }

    /** Parses {@code host:port}; IPv6 literals are written {@code [addr]:port}. */
    public static BootstrapNode parse(String hostPort) {
        if (hostPort == null) {
            throw new IllegalArgumentException("bootstrap node must be host:port, not null");
        }
        String text = hostPort.trim();
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("bootstrap node must be host:port, not '" + hostPort + "'");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            throw new IllegalArgumentException("write an IPv6 bootstrap node as [address]:port, not '" + hostPort + "'");
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bootstrap node port is not a number in '" + hostPort + "'");
        }
        return new BootstrapNode(host, port);
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
