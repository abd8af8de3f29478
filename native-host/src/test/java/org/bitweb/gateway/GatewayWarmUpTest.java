package org.bitweb.gateway;

import org.bitweb.address.SiteAddress;
import org.bitweb.gateway.RawHttp.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway's warm-up (docs/GATEWAY.md, "The warm-up"): its requests go through the real
 * gateway and are answered from a site only it can reach, and nothing of them is left behind.
 */
class GatewayWarmUpTest {

    static final SiteAddress SITE = SiteAddress.infohash(GatewayTest.bytes(20, 3));

    @TempDir
    Path dir;
    Gateway gateway;
    /** Every site address the gateway asked its source about. */
    final List<SiteAddress> asked = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        Path site = Files.createDirectories(dir.resolve("site"));
        Files.writeString(site.resolve("index.html"), "<h1>home</h1>");
        DirectorySiteView view = new DirectorySiteView(site, "v1");
        gateway = new Gateway(new SiteSource() {
            @Override
            public Optional<SiteView> site(SiteAddress address) {
                asked.add(address);
                return address.equals(SITE) ? Optional.of(view) : Optional.empty();
            }
        }, 0);
        gateway.start();
    }

    @AfterEach
    void stop() {
        gateway.close();
    }

    @Test
    void answersItsRequestsThroughTheGatewayAndLeavesNothingBehind() throws Exception {
        GatewayWarmUp.Report report = gateway.warmUp(new GatewayWarmUp.Budget(400, 4, Duration.ofSeconds(60),
                Duration.ofMillis(250))).get(60, TimeUnit.SECONDS);

        // every answer was a 200 with the file's length, sent by the gateway over a socket
        assertEquals("budget", report.stoppedBy(), report.toString());
        assertEquals(400, report.small());
        assertEquals(4, report.big());
        // its site never reached the engine's side: nothing looked up, listed or stored
        assertFalse(asked.contains(gateway.warmUpForTests().address()), "asked: " + asked);
        // what the gateway kept of it is gone
        assertEquals(0, gateway.handler().smallFilesHeld());
        assertFalse(gateway.handler().keepsHost(gateway.warmUpForTests().address().host()));
        // and once it is over, its site is one more unknown address
        Reply after = RawHttp.proxyGet(gateway.port(), gateway.warmUpForTests().address().host(), "/index.html");
        assertEquals(404, after.status(), after.text());
        // the gateway still serves sites, and still refuses hosts that are not
        assertEquals(200, RawHttp.proxyGet(gateway.port(), SITE.host(), "/index.html").status());
        assertEquals(421, RawHttp.get(gateway.port(), "127.0.0.1:" + gateway.port(), "/index.html").status());
        assertEquals(421, RawHttp.get(gateway.port(), "example.com", "/").status());
    }

    @Test
    void itsSiteIsNotServedToOtherConnectionsAndItGivesWayToRealRequests() throws Exception {
        // more than it can do in its 6 s: the real requests below, then the deadline, end it
        // (a second of quiet: a loaded machine can stall the real requests' loop for half of one)
        var done = gateway.warmUp(new GatewayWarmUp.Budget(10_000_000, 0, Duration.ofSeconds(6),
                Duration.ofMillis(1000)));
        GatewayWarmUp warmUp = gateway.warmUpForTests();
        warmUp.connected().get(30, TimeUnit.SECONDS);

        // while it runs, a connection of someone else's gets no file of its site
        Reply outsider = RawHttp.proxyGet(gateway.port(), warmUp.address().host(), "/index.html");
        assertEquals(404, outsider.status(), outsider.text());
        assertFalse(outsider.text().contains("warm-up"), outsider.text());
        assertTrue(asked.contains(warmUp.address()), "looked up as any unknown site");

        // while real requests keep coming (each within its second of quiet), it sends nothing
        // more than the round it had in flight
        int before = warmUp.answered();
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
        int real = 0;
        while (System.nanoTime() < until) {
            assertEquals(200, RawHttp.proxyGet(gateway.port(), SITE.host(), "/index.html").status());
            real++;
        }
        int during = warmUp.answered() - before;
        assertTrue(during <= GatewayWarmUp.CONNECTIONS, during + " warm-up answers beside " + real + " real requests");

        // then it goes on, until its deadline
        GatewayWarmUp.Report report = done.get(30, TimeUnit.SECONDS);
        assertEquals("time", report.stoppedBy(), report.toString());
        assertTrue(report.small() > before + during, "it went on after the real requests: " + report);
        assertTrue(report.pauses() >= 1, report.toString());
        assertEquals(0, gateway.handler().smallFilesHeld() - viewBytesHeld(), "its page is no longer kept");
    }

    /** The real site's page, which the real requests above had the gateway keep. */
    private static long viewBytesHeld() {
        return "<h1>home</h1>".length();
    }

    @Test
    void waitsWhileARealAnswerIsStillBeingSent() throws Exception {
        byte[] big = new byte[8 * 1024 * 1024];
        Files.write(dir.resolve("site").resolve("big.bin"), big);
        var done = gateway.warmUp(new GatewayWarmUp.Budget(10_000_000, 0, Duration.ofSeconds(30),
                Duration.ofMillis(200)));
        GatewayWarmUp warmUp = gateway.warmUpForTests();
        warmUp.connected().get(30, TimeUnit.SECONDS);
        try (java.net.Socket reader = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), gateway.port())) {
            // a download that is asked for once and then read slowly: one request, a long answer
            reader.setReceiveBufferSize(4096);
            reader.getOutputStream().write(("GET http://" + SITE.host() + "/big.bin HTTP/1.1\r\nHost: " + SITE.host()
                    + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            int first = reader.getInputStream().read(new byte[1024]);
            assertTrue(first > 0, "the answer began");
            int before = warmUp.answered();
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1000);
            while (System.nanoTime() < until) {
                // well past its 200 ms of quiet since the request arrived: the answer is still traffic
                assertTrue(warmUp.answered() - before <= GatewayWarmUp.CONNECTIONS,
                        (warmUp.answered() - before) + " warm-up answers beside a download being sent");
                java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L); // polling a counter over a fixed span, not waiting for an event
            }
        }
        // the download is over (closed): it goes on
        int after = warmUp.answered();
        org.bitweb.testing.Await.until("the warm-up goes on once the download ended", Duration.ofSeconds(20),
                () -> warmUp.answered() > after + GatewayWarmUp.CONNECTIONS);
        gateway.close();
        assertEquals("closed", done.get(30, TimeUnit.SECONDS).stoppedBy());
    }

    @Test
    void isOffWithThePropertyAndRunsOncePerProcess() throws Exception {
        String before = System.getProperty(GatewayWarmUp.PROPERTY);
        System.setProperty(GatewayWarmUp.PROPERTY, "false");
        try {
            assertEquals("off", gateway.warmUp().get(10, TimeUnit.SECONDS).stoppedBy());
        } finally {
            if (before == null) {
                System.clearProperty(GatewayWarmUp.PROPERTY);
            } else {
                System.setProperty(GatewayWarmUp.PROPERTY, before);
            }
        }
        gateway.warmUp(); // the process's first, or an earlier test's engine had it
        assertEquals("off", gateway.warmUp().get(10, TimeUnit.SECONDS).stoppedBy(), "a second one in the process");
    }
}
