package org.bitweb.nat;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * PCP (RFC 6887), NAT-PMP's successor, MAP requests only. A router that speaks only NAT-PMP
 * answers version 2 with "unsupported version" ({@link #unsupported}); the mapper then uses NAT-PMP.
 */
final class Pcp implements MappingProtocol {
    private static final int VERSION = 2;
    private static final int MAP = 1;
    private static final String[] RESULTS = {"success", "unsupported version", "not authorized", "malformed request",
        "unsupported opcode", "unsupported option", "malformed option", "network failure", "no resources",
        "unsupported protocol", "user exceeded quota", "cannot provide external", "address mismatch",
        "excessive remote peers"};
    private static final SecureRandom RANDOM = new SecureRandom();

    private final UdpExchange router;

    Pcp(UdpExchange router) {
        this.router = router;
    }

    @Override
    public String name() {
        return "PCP";
    }

    /** PCP tells the outside address in each MAP answer; {@link Mapping#external()} has it. */
    @Override
    public Optional<InetAddress> externalAddress() {
        return Optional.empty();
    }

    @Override
    public Mapping map(Transport transport, int internalPort, Duration lease, Mapping previous) throws IOException {
        // a renewal repeats the nonce: the router knows the mapping by it (RFC 6887, 11.2)
        byte[] nonce = previous != null && previous.token() != null ? previous.token() : newNonce();
        int suggested = previous != null ? previous.externalPort() : internalPort;
        InetAddress wanted = previous != null && previous.external() != null ? previous.external() : null;
        byte[] answer = ask(transport, internalPort, suggested, wanted, lease.toSeconds(), nonce);
        ByteBuffer in = ByteBuffer.wrap(answer);
        long lifetime = in.getInt(4) & 0xffffffffL;
        int external = in.getShort(24 + 18) & 0xffff;
        byte[] ip = Arrays.copyOfRange(answer, 24 + 20, 24 + 36);
        return new Mapping(transport, internalPort, external, Duration.ofSeconds(lifetime), fromMapped(ip), nonce);
    }

    @Override
    public void unmap(Mapping mapping) throws IOException {
        ask(mapping.transport(), mapping.internalPort(), 0, null, 0,
                mapping.token() != null ? mapping.token() : newNonce());
    }

    private byte[] ask(Transport transport, int internalPort, int externalPort, InetAddress externalWanted, long lifetime,
                       byte[] nonce) throws IOException {
        byte[] request = request(router.localAddress(), transport, internalPort, externalPort, externalWanted, lifetime, nonce);
        byte[] answer = router.ask(request, a -> a.length >= 2 && ((a[0] == VERSION && a.length >= 60
                && (a[1] & 0xff) == (0x80 | MAP) && Arrays.equals(Arrays.copyOfRange(a, 24, 36), nonce))
                || a[0] == 0)); // a NAT-PMP router answers with version 0
        int result = answer[0] == VERSION ? answer[3] & 0xff : 1;
        if (answer[0] != VERSION || result != 0) {
            throw new MappingRefused("PCP", result, result < RESULTS.length ? RESULTS[result] : "unknown result");
        }
        return answer;
    }

    /** Whether a refusal means "speak NAT-PMP instead". */
    static boolean unsupported(IOException e) {
        return e instanceof MappingRefused r && r.code == 1;
    }

    static byte[] request(InetAddress client, Transport transport, int internalPort, int externalPort,
                          InetAddress externalWanted, long lifetime, byte[] nonce) {
        ByteBuffer out = ByteBuffer.allocate(60);
        out.put((byte) VERSION).put((byte) MAP).putShort((short) 0).putInt((int) lifetime).put(mapped(client));
        out.put(nonce).put((byte) transport.ipProtocol).put(new byte[3]).putShort((short) internalPort)
                .putShort((short) externalPort).put(mapped(externalWanted));
        return out.array();
    }

    /** An IPv4 address as PCP writes it: ::ffff:a.b.c.d (and ::ffff:0.0.0.0 for "any"). */
    static byte[] mapped(InetAddress address) {
        byte[] out = new byte[16];
        out[10] = (byte) 0xff;
        out[11] = (byte) 0xff;
        if (address instanceof Inet4Address) {
            System.arraycopy(address.getAddress(), 0, out, 12, 4);
        } else if (address != null) {
            return address.getAddress();
        }
        return out;
    }

    private static InetAddress fromMapped(byte[] ip) throws java.net.UnknownHostException {
        InetAddress address = InetAddress.getByAddress(ip); // Java turns ::ffff:a.b.c.d into an Inet4Address
        return address.isAnyLocalAddress() || address.getHostAddress().equals("0.0.0.0") ? null : address;
    }

    private static byte[] newNonce() {
        byte[] nonce = new byte[12];
        RANDOM.nextBytes(nonce);
        return nonce;
    }
}
