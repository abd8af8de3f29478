package org.bitweb.nat;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;

/** NAT-PMP (RFC 6886): Apple's port mapping protocol, spoken by many home routers and miniupnpd. */
final class NatPmp implements MappingProtocol {
    private static final String[] RESULTS = {"success", "unsupported version", "not authorized or refused",
        "network failure", "out of resources", "unsupported opcode"};

    private final UdpExchange router;

    NatPmp(UdpExchange router) {
        this.router = router;
    }

    @Override
    public String name() {
        return "NAT-PMP";
    }

    @Override
    public Optional<InetAddress> externalAddress() throws IOException {
        byte[] answer = router.ask(new byte[] {0, 0}, a -> a.length >= 12 && a[0] == 0 && (a[1] & 0xff) == 128);
        ByteBuffer in = ByteBuffer.wrap(answer);
        in.position(2);
        check(in.getShort() & 0xffff);
        in.getInt(); // seconds since the router's mapping table started
        byte[] ip = new byte[4];
        in.get(ip);
        InetAddress address = InetAddress.getByAddress(ip);
        return address.isAnyLocalAddress() ? Optional.empty() : Optional.of(address);
    }

    @Override
    public Mapping map(Transport transport, int internalPort, Duration lease, Mapping previous) throws IOException {
        int suggested = previous != null ? previous.externalPort() : internalPort;
        byte[] answer = router.ask(request(transport, internalPort, suggested, lease.toSeconds()), a -> fits(a, transport, internalPort));
        ByteBuffer in = ByteBuffer.wrap(answer);
        in.position(2);
        check(in.getShort() & 0xffff);
        in.getInt();
        in.getShort(); // internal port, checked in fits
        int external = in.getShort() & 0xffff;
        long seconds = in.getInt() & 0xffffffffL;
        return new Mapping(transport, internalPort, external, Duration.ofSeconds(seconds),
                previous != null ? previous.external() : null, null);
    }

    @Override
    public void unmap(Mapping mapping) throws IOException {
        // lifetime 0 and external port 0 delete it (RFC 6886, 3.4)
        byte[] answer = router.ask(request(mapping.transport(), mapping.internalPort(), 0, 0),
                a -> fits(a, mapping.transport(), mapping.internalPort()));
        check(ByteBuffer.wrap(answer).getShort(2) & 0xffff);
    }

    static byte[] request(Transport transport, int internalPort, int externalPort, long lifetimeSeconds) {
        return ByteBuffer.allocate(12).put((byte) 0).put((byte) transport.natPmpOpcode).putShort((short) 0)
                .putShort((short) internalPort).putShort((short) externalPort).putInt((int) lifetimeSeconds).array();
    }

    private static boolean fits(byte[] a, Transport transport, int internalPort) {
        return a.length >= 16 && a[0] == 0 && (a[1] & 0xff) == 128 + transport.natPmpOpcode
                && (ByteBuffer.wrap(a).getShort(8) & 0xffff) == internalPort;
    }

    private static void check(int result) throws MappingRefused {
        if (result != 0) {
            throw new MappingRefused("NAT-PMP", result, result < RESULTS.length ? RESULTS[result] : "unknown result");
        }
    }
}
