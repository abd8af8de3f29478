package org.bitweb.gateway;

import org.bitweb.address.SiteAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A download the browser does not read (a paused video, a stalled tab, a hostile page opening
 * many) must not keep other tabs from being served (issue 12, item 8). The gateway's writes are
 * asynchronous, so such a download holds a connection, not one of the pool's threads.
 */
class GatewaySlowReadersTest {

    static final SiteAddress SITE = SiteAddress.infohash(new byte[20]);
    /** Far more than the pool's threads, as in the report: 40 readers made a page wait 27 s. */
    static final int SLOW_READERS = 100;

    @TempDir
    Path dir;
    Gateway gateway;
    final List<Socket> slow = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        Path site = Files.createDirectories(dir.resolve("site"));
        Files.writeString(site.resolve("index.html"), "<h1>still here</h1>");
        byte[] video = new byte[16 * 1024 * 1024]; // far more than the socket buffers of a reader that stops
        new Random(3).nextBytes(video);
        Files.write(site.resolve("video.webm"), video);
        SiteView view = new DirectorySiteView(site, "v1");
        Map<SiteAddress, SiteView> sites = Map.of(SITE, view);
        gateway = new Gateway(address -> Optional.ofNullable(sites.get(address)), 0);
        gateway.start();
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket s : slow) {
            s.close();
        }
        gateway.close();
    }

    @Test
    void aPageIsServedWhileAHundredDownloadsAreNotRead() throws IOException {
        for (int i = 0; i < SLOW_READERS; i++) {
            Socket s = new Socket();
            s.setReceiveBufferSize(4096); // before connect, so the window the gateway sees stays small
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), gateway.port()), 5_000);
            s.getOutputStream().write(("GET http://" + SITE.host() + "/video.webm HTTP/1.1\r\nHost: " + SITE.host()
                    + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            slow.add(s);
        }
        int notStarted = 0;
        long deadline = System.nanoTime() + 10_000_000_000L;
        for (Socket s : slow) {
            // the gateway is sending to each of them; from here on nobody reads
            s.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            try {
                assertTrue(s.getInputStream().read() >= 0);
            } catch (SocketTimeoutException e) {
                notStarted++;
            }
        }

        // fails after 5 s without the whole answer; the blocking gateway took 27 s and more
        RawHttp.Reply page = RawHttp.send(gateway.port(), 5_000, "GET", "http://" + SITE.host() + "/index.html",
                "Host: " + SITE.host());
        assertEquals(200, page.status());
        assertEquals("<h1>still here</h1>", page.text());
        assertEquals(0, notStarted, "every download was answered too");
    }

    /**
     * Slowloris: connections that send part of a request and never the rest. Jetty parses
     * requests on its selector, so an unfinished one holds a connection (until the idle timeout),
     * never a thread. 300 is more than a browser opens for all its tabs (Chromium: 256 sockets);
     * the gateway takes 1,024 ({@link Gateway#MAX_CONNECTIONS}).
     */
    @Test
    void aPageIsServedWhileThreeHundredRequestsNeverFinishTheirHeaders() throws IOException {
        for (int i = 0; i < 300; i++) {
            Socket s = new Socket();
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), gateway.port()), 5_000);
            String partial = switch (i % 3) {
                case 0 -> "GET http://" + SITE.host() + "/index.html HTTP/1.1\r\nHost: " + SITE.host() + "\r\nX-Slow: ";
                case 1 -> "GET http://" + SITE.host() + "/ind";
                default -> "GET http://" + SITE.host() + "/video.webm HTTP/1.1\r\nHost: " + SITE.host() + "\r\n";
            };
            s.getOutputStream().write(partial.getBytes(StandardCharsets.ISO_8859_1));
            slow.add(s);
        }
        // fails after 5 s without the whole answer
        RawHttp.Reply page = RawHttp.send(gateway.port(), 5_000, "GET", "http://" + SITE.host() + "/index.html",
                "Host: " + SITE.host());
        assertEquals(200, page.status());
        assertEquals("<h1>still here</h1>", page.text());
    }
}
