package org.bitweb.privacy;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * A SOCKS5 CONNECT (RFC 1928, no authentication) over a blocking channel: afterwards the channel
 * is a byte stream to the target, as if connected directly. Addresses are sent as IP literals, so
 * no name is ever resolved locally.
 */
final class Socks5 {
    private Socks5() {
    }

    static SocketChannel connect(InetSocketAddress proxy, InetSocketAddress target, int timeoutMillis) throws IOException {
        SocketChannel channel = SocketChannel.open();
        try {
            channel.socket().connect(proxy, timeoutMillis);
            channel.socket().setSoTimeout(timeoutMillis);
            write(channel, new byte[] {5, 1, 0});
            byte[] choice = read(channel, 2);
            if (choice[0] != 5 || choice[1] != 0) {
                throw new IOException("the SOCKS5 proxy " + proxy + " wants authentication BitWeb does not offer");
            }
            byte[] address = target.getAddress().getAddress();
            ByteBuffer request = ByteBuffer.allocate(6 + address.length);
            request.put((byte) 5).put((byte) 1).put((byte) 0)
                    .put((byte) (target.getAddress() instanceof Inet4Address ? 1 : 4))
                    .put(address).putShort((short) target.getPort());
            write(channel, request.array());
            byte[] reply = read(channel, 4);
            if (reply[0] != 5 || reply[1] != 0) {
                throw new IOException("the SOCKS5 proxy refused to connect to " + target + " (reply " + reply[1] + ")");
            }
            int rest = switch (reply[3]) {
                case 1 -> 4;
                case 4 -> 16;
                case 3 -> read(channel, 1)[0] & 0xff;
                default -> throw new IOException("bad SOCKS5 reply address type " + reply[3]);
            };
            read(channel, rest + 2); // bound address and port: not needed
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static void write(SocketChannel channel, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    private static byte[] read(SocketChannel channel, int n) throws IOException {
        byte[] bytes = new byte[n];
        int got = channel.socket().getInputStream().readNBytes(bytes, 0, n);
        if (got < n) {
            throw new IOException("the SOCKS5 proxy closed the connection");
        }
        return bytes;
    }

    static boolean isIpv6(InetSocketAddress a) {
        return a.getAddress() instanceof Inet6Address;
    }
}
