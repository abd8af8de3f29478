package org.bitweb.nat;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.function.Predicate;

/**
 * One request to the router's NAT-PMP/PCP port (5351) and its answer, sent again after 250 ms,
 * 500 ms, 1 s... as RFC 6886 and RFC 6887 ask, but only {@code tries} times: a router that does
 * not answer within a few seconds does not speak the protocol.
 */
final class UdpExchange {
    static final int PORT = 5351;

    private final InetSocketAddress router;
    private final int tries;

    UdpExchange(InetAddress router, int port, int tries) {
        this.router = new InetSocketAddress(router, port);
        this.tries = tries;
    }

    /** The address this machine has toward the router (what PCP must name as the client). */
    InetAddress localAddress() throws IOException {
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.connect(router); // no packet is sent: the kernel picks the route and source
            return socket.getLocalAddress();
        }
    }

    /**
     * @param fits whether an answer is the one to this request (other datagrams are skipped)
     * @return the answer's bytes
     * @throws SocketTimeoutException when no fitting answer came after every try
     */
    byte[] ask(byte[] request, Predicate<byte[]> fits) throws IOException {
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.connect(router); // answers from anyone else are dropped by the kernel
            byte[] buffer = new byte[1100]; // PCP's largest message
            int wait = 250;
            for (int i = 0; i < tries; i++, wait *= 2) {
                socket.send(new DatagramPacket(request, request.length));
                long deadline = System.nanoTime() + wait * 1_000_000L;
                while (true) {
                    long left = (deadline - System.nanoTime()) / 1_000_000L;
                    if (left <= 0) {
                        break;
                    }
                    socket.setSoTimeout((int) left);
                    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                    try {
                        socket.receive(packet);
                    } catch (SocketTimeoutException e) {
                        break;
                    } catch (java.net.PortUnreachableException e) {
                        throw new java.net.PortUnreachableException("nothing listens on " + router + " (no NAT-PMP/PCP there)");
                    }
                    byte[] answer = Arrays.copyOf(packet.getData(), packet.getLength());
                    if (fits.test(answer)) {
                        return answer;
                    }
                }
            }
            throw new SocketTimeoutException("no answer from " + router + " after " + tries + " tries");
        }
    }
}
