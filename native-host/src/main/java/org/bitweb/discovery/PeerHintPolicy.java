package org.bitweb.discovery;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which peers named in a link the engine may connect to (issue 12, item 5).
 *
 * <p>A link's {@code x.pe=IP:port} comes from whatever page carried the link. Taken as it is, a
 * page of a site, or any clear-web page with a magnet link, could make the engine open TCP
 * connections to any address and port it likes: the visitor's router, printers and other
 * services on the LAN or on this machine (a port scan from inside the visitor's network, whose
 * results a page can time). So a link's hints are:
 * <ul>
 *   <li>capped: at most {@link #MAX} per request, and {@link PeerHints} keeps at most as many per
 *       site, so repeated requests cannot pile them up;</li>
 *   <li>filtered by {@link Scope}: addresses that can never be a peer (multicast, unspecified,
 *       broadcast, reserved) never, and addresses of this machine ({@link Scope#LOOPBACK}) or of
 *       its networks ({@link Scope#LOCAL}) only when allowed: the engine runs a testnet on one
 *       machine or a LAN ({@code serve --local-peer-hints}), or the page that carried the link
 *       came from a peer in that scope itself (a site passed around a LAN may name LAN peers).</li>
 * </ul>
 * Peers the user typed ({@code bitweb get --peer}) are the user's choice: only the addresses
 * that can never be a peer, and the cap, apply to them.
 */
public final class PeerHintPolicy {
    /** The most hints a request, or a site, may have: a link names a handful of seeders at most. */
    public static final int MAX = 8;

    /** Where an address is, as far as a page's power over the engine is concerned. */
    public enum Scope {
        /** Anything on the internet. */
        PUBLIC,
        /** This machine: 127.0.0.0/8, ::1. */
        LOOPBACK,
        /**
         * The networks this machine is on, or its provider's: RFC 1918, link-local, IPv6 unique
         * local and site-local, carrier-grade NAT (100.64.0.0/10), benchmarking (198.18.0.0/15).
         */
        LOCAL,
        /** Never a peer: multicast, unspecified (0.0.0.0/8, ::), broadcast, reserved (240.0.0.0/4). */
        NEVER
    }

    private PeerHintPolicy() {
    }

    /**
     * The hints of a link that the engine may use: in order, without duplicates, at most
     * {@link #MAX}, only in {@link Scope#PUBLIC} or one of {@code alsoAllowed}.
     */
    public static List<InetSocketAddress> admit(Collection<InetSocketAddress> hints, Set<Scope> alsoAllowed) {
        Set<InetSocketAddress> admitted = new LinkedHashSet<>();
        for (InetSocketAddress hint : hints) {
            if (admitted.size() == MAX) {
                break;
            }
            Scope scope = scope(hint);
            if (scope == Scope.PUBLIC || (scope != Scope.NEVER && alsoAllowed.contains(scope))) {
                admitted.add(hint);
            }
        }
        return new ArrayList<>(admitted);
    }

    /** Peers the user named: any scope but {@link Scope#NEVER}, at most {@link #MAX}. */
    public static List<InetSocketAddress> userNamed(Collection<InetSocketAddress> peers) {
        return admit(peers, Set.of(Scope.LOOPBACK, Scope.LOCAL));
    }

    /** The scope of a peer; a port outside 1-65535, or an unresolved name, is {@link Scope#NEVER}. */
    public static Scope scope(InetSocketAddress peer) {
        if (peer.isUnresolved() || peer.getPort() < 1 || peer.getPort() > 65535) {
            return Scope.NEVER;
        }
        return scope(peer.getAddress());
    }

    public static Scope scope(InetAddress address) {
        if (address instanceof Inet6Address v6) {
            byte[] b = v6.getAddress();
            InetAddress embedded = embeddedIpv4(b);
            if (embedded != null) {
                // ::a.b.c.d, ::ffff:a.b.c.d, NAT64 and 6to4 reach the IPv4 address inside
                return scope(embedded);
            }
            if (v6.isAnyLocalAddress() || v6.isMulticastAddress()) {
                return Scope.NEVER;
            }
            if (v6.isLoopbackAddress()) {
                return Scope.LOOPBACK;
            }
            if (v6.isLinkLocalAddress() || v6.isSiteLocalAddress() || (b[0] & 0xfe) == 0xfc) {
                return Scope.LOCAL; // fe80::/10, fec0::/10, fc00::/7
            }
            return Scope.PUBLIC;
        }
        byte[] b = address.getAddress();
        int first = b[0] & 0xff;
        int second = b[1] & 0xff;
        if (first == 0 || first >= 224) {
            return Scope.NEVER; // this network, multicast, reserved and the broadcast address
        }
        if (first == 127) {
            return Scope.LOOPBACK;
        }
        if (first == 10 || (first == 172 && (second & 0xf0) == 16) || (first == 192 && second == 168)
                || (first == 169 && second == 254) || (first == 100 && (second & 0xc0) == 64)
                || (first == 198 && (second & 0xfe) == 18)) {
            return Scope.LOCAL;
        }
        return Scope.PUBLIC;
    }

    /** The IPv4 address an IPv6 address carries and reaches (compatible, mapped, NAT64, 6to4), or null. */
    private static InetAddress embeddedIpv4(byte[] b) {
        int at = -1;
        if (isZero(b, 0, 10) && ((b[10] == 0 && b[11] == 0) || (b[10] == (byte) 0xff && b[11] == (byte) 0xff))
                && !isZero(b, 12, 16) && !(isZero(b, 12, 15) && b[15] == 1)) {
            at = 12; // ::a.b.c.d and ::ffff:a.b.c.d, but not :: and ::1
        } else if (b[0] == 0 && b[1] == 0x64 && b[2] == (byte) 0xff && b[3] == (byte) 0x9b && isZero(b, 4, 12)) {
            at = 12; // 64:ff9b::/96, NAT64
        } else if (b[0] == 0x20 && b[1] == 0x02) {
            at = 2; // 2002::/16, 6to4
        }
        if (at < 0) {
            return null;
        }
        try {
            return Inet4Address.getByAddress(new byte[]{b[at], b[at + 1], b[at + 2], b[at + 3]});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // four bytes are always an address
        }
    }

    private static boolean isZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
