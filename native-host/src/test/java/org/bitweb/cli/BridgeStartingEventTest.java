package org.bitweb.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.bitweb.json.Json;
import org.bitweb.messaging.Frames;
import org.bitweb.store.StateDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the bridge tells the extension while the engine it started comes up: that the engine's
 * gateway port listens, so a page held meanwhile can be asked for again and wait there (the
 * whole path, in real Chromium and Firefox: the e2e suite's first-link tests).
 */
class BridgeStartingEventTest {
    @TempDir
    Path tmp;

    @Test
    void aPortListensWhileSomethingAcceptsOnItAndNotOnceItIsClosed() throws Exception {
        int port;
        try (ServerSocketChannel gateway = ServerSocketChannel.open()) {
            gateway.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            port = ((InetSocketAddress) gateway.getLocalAddress()).getPort();
            // nobody accepts yet: the handshake completes from the accept queue, as an engine's port does while it starts
            assertTrue(Bridge.gatewayListens(port));
        }
        assertFalse(Bridge.gatewayListens(port), "closed: refused at once");
    }

    @Test
    void theEventIsAFrameThatSaysWhereTheGatewayListens() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new Bridge(new StateDir(tmp), new ByteArrayInputStream(new byte[0]), out).tellGatewayListens(47800);
        ByteArrayInputStream written = new ByteArrayInputStream(out.toByteArray());
        JsonNode event = Json.MAPPER.readTree(Frames.read(written, Frames.DEFAULT_MAX_INCOMING));
        assertEquals(Bridge.STARTING_EVENT, event.path("event").asText());
        assertFalse(event.has("id"), "an event, not a reply");
        assertEquals(47800, event.path("data").path("gatewayPort").asInt());
        assertEquals("http://127.0.0.1:47800", event.path("data").path("gateway").asText());
        assertNull(Frames.read(written, Frames.DEFAULT_MAX_INCOMING), "one frame and nothing else on the browser's channel");
    }
}
