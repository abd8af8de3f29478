package org.bitweb.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import org.bitweb.messaging.ChannelStreams;
import org.bitweb.store.StateDir;
import org.bitweb.testing.Await;
import org.bitweb.testing.ChildJava;
import org.bitweb.testing.WireFrames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12: {@code sites.list} once waited 29.7 s behind slow calls. Here a real engine process
 * has folder dialogs open (a stand-in {@code zenity} on its PATH that waits until the test lets
 * it go), more of them than the old pool had threads, and the quick calls the popup makes must
 * still answer while every dialog is open.
 */
@Timeout(120)
class QuickCallsTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final int OPEN_DIALOGS = 6;

    @TempDir
    Path tmp;
    Process engine;
    java.nio.channels.SocketChannel channel;

    @AfterEach
    void stop() throws Exception {
        if (channel != null) {
            channel.close();
        }
        if (engine != null && engine.isAlive()) {
            engine.destroy();
            if (!engine.waitFor(20, TimeUnit.SECONDS)) {
                engine.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        Files.writeString(tmp.resolve("release"), ""); // a dialog left behind ends too
    }

    /** A zenity that says it opened, waits for the release file (bounded), then "chooses" a folder. */
    Path standInDialog() throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path zenity = bin.resolve("zenity");
        Files.writeString(zenity, "#!/bin/sh\n"
                + "touch '" + tmp.resolve("opened") + "'.$$\n"
                + "i=0\n"
                + "while [ ! -e '" + tmp.resolve("release") + "' ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i+1)); done\n"
                + "echo /home/me/chosen\n");
        Files.setPosixFilePermissions(zenity, PosixFilePermissions.fromString("rwx------"));
        return bin;
    }

    long openDialogs() throws IOException {
        try (Stream<Path> files = Files.list(tmp)) {
            return files.filter(p -> p.getFileName().toString().startsWith("opened.")).count();
        }
    }

    @Test
    void thePopupsQuickCallsAnswerWhileSlowCallsAreInFlight() throws Exception {
        StateDir home = new StateDir(tmp.resolve("home"));
        ProcessBuilder serve = new ProcessBuilder(ChildJava.command("--home", home.root().toString(), "serve",
                "--gateway-port", "0", "--peer-port", "0", "--peer-bind", "127.0.0.1"))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(tmp.resolve("engine.out").toFile());
        serve.environment().put("PATH", standInDialog() + ":" + System.getenv("PATH"));
        serve.environment().put("BITWEB_DHT", "off");
        serve.environment().put("BITWEB_LAN", "off");
        engine = serve.start();
        Await.until("the engine's control socket", WAIT, () -> {
            try {
                channel = java.nio.channels.SocketChannel.open(StandardProtocolFamily.UNIX);
                channel.connect(UnixDomainSocketAddress.of(home.socket()));
                return true;
            } catch (IOException e) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // retrying
                }
                assertTrue(engine.isAlive(), "the engine exited: " + read(tmp.resolve("engine.out")));
                return false;
            }
        });
        WireFrames.Collector replies = new WireFrames.Collector(ChannelStreams.in(channel), "test-replies");
        OutputStream requests = ChannelStreams.out(channel);

        for (int id = 1; id <= OPEN_DIALOGS; id++) {
            requests.write(WireFrames.frame("{\"id\":" + id + ",\"action\":\"folder.pick\"}"));
        }
        requests.flush();
        Await.until(OPEN_DIALOGS + " dialogs open at once", WAIT, () -> {
            try {
                return openDialogs() == OPEN_DIALOGS;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });

        List<String> quick = List.of("{\"action\":\"hello\",\"protocol\":1}", "{\"action\":\"status\"}",
                "{\"action\":\"sites.list\"}", "{\"action\":\"settings.get\"}",
                "{\"action\":\"site.info\",\"address\":\"" + "0".repeat(40) + "\"}");
        int id = 100;
        for (String call : quick) {
            id++;
            requests.write(WireFrames.frame(call.replaceFirst("\\{", "{\"id\":" + id + ",")));
            requests.flush();
            JsonNode reply = replies.reply(id, WAIT);
            assertTrue(reply.has("ok"), call + " -> " + reply);
        }
        assertEquals(0, replies.messages().stream().filter(m -> m.path("id").asInt() <= OPEN_DIALOGS).count(),
                "every dialog was still open while the quick calls answered: " + replies.messages());

        Files.writeString(tmp.resolve("release"), "");
        for (int pick = 1; pick <= OPEN_DIALOGS; pick++) {
            JsonNode reply = replies.reply(pick, WAIT);
            assertEquals("/home/me/chosen", reply.path("data").path("path").asText(), reply.toString());
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }
}
