package org.bitweb.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.bitweb.daemon.EngineDaemon;
import org.bitweb.engine.EngineLock;
import org.bitweb.engine.EngineOptions;
import org.bitweb.messaging.EngineClient;
import org.bitweb.messaging.Protocol;
import org.bitweb.json.Json;
import org.bitweb.store.StateDir;
import org.bitweb.testing.Await;
import org.bitweb.testing.ChildJava;
import org.bitweb.testing.Http;
import org.bitweb.testing.WireFrames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The native host as the browser runs it: a child process started with the extension's origin as
 * an argument, spoken to over its stdin and stdout with native-messaging frames, bridging to the
 * user's engine (here one running in the test JVM on loopback). Every byte it writes to stdout
 * must be a frame, even while it logs at debug level.
 */
class HostProcessTest {
    static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    static Path tmp;
    static StateDir home;
    static EngineDaemon engine;
    final List<Process> started = new ArrayList<>();

    @BeforeAll
    static void startEngine() throws IOException {
        home = new StateDir(tmp.resolve("home"));
        engine = EngineDaemon.start(home, new EngineOptions(0, 0, InetAddress.getLoopbackAddress()));
    }

    @AfterAll
    static void stopEngine() {
        if (engine != null) {
            engine.close();
        }
    }

    @AfterEach
    void killLeftovers() throws InterruptedException {
        for (Process p : started) {
            if (p.isAlive()) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** A host process with the arguments a browser passes, and a collector on its stdout. */
    final class Host {
        final Process process;
        final WireFrames.Collector stdout;
        final OutputStream stdin;
        final Path stderr;

        Host(String... browserArgs) throws IOException {
            this(home, browserArgs);
        }

        Host(StateDir state, String... browserArgs) throws IOException {
            this(state, false, browserArgs);
        }

        /**
         * @param asBrowser launched as a browser runs the launcher: "host" first, the state folder
         *                  in the environment (else --home and debug logging before "host")
         */
        Host(StateDir state, boolean asBrowser, String... browserArgs) throws IOException {
            stderr = Files.createTempFile(tmp, "host", ".err");
            List<String> args = new ArrayList<>(asBrowser ? List.of("host")
                    : List.of("--home", state.root().toString(), "--log-level", "debug", "host"));
            args.addAll(List.of(browserArgs));
            ProcessBuilder launch = new ProcessBuilder(ChildJava.command(args.toArray(String[]::new)))
                    .redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()));
            if (asBrowser) {
                launch.environment().put("BITWEB_HOME", state.root().toString());
            }
            process = launch.start();
            started.add(process);
            stdout = new WireFrames.Collector(process.getInputStream(), "host-stdout");
            stdin = process.getOutputStream();
        }

        void send(String json) throws IOException {
            stdin.write(WireFrames.frame(json));
            stdin.flush();
        }

        JsonNode reply(int id) {
            return stdout.reply(id, WAIT);
        }

        /** Closes stdin as the browser does when it is done, and returns the exit code. */
        int hangUp() throws Exception {
            stdin.close();
            assertTrue(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS),
                    "the host must exit when the browser closes its stdin; stderr: " + Files.readString(stderr));
            stdout.join(WAIT.toMillis());
            assertTrue(stdout.ended());
            return process.exitValue();
        }
    }

    static Path makeFolder(String name, int bytes, long seed) throws IOException {
        Path folder = Files.createDirectories(tmp.resolve(name + "-src").resolve(name));
        Files.writeString(folder.resolve("index.html"), "<h1>" + name + "</h1>");
        byte[] data = new byte[bytes];
        new Random(seed).nextBytes(data);
        Files.write(folder.resolve("data.bin"), data);
        return folder;
    }

    @Test
    void theHostRelaysRequestsAndWritesNothingButFramesToStdout() throws Exception {
        Path folder = makeFolder("relayed", 2 * 1024 * 1024, 1);
        Host host = new Host("chrome-extension://abcdefghijklmnopabcdefghijklmnop/");
        host.send("{\"id\":1,\"action\":\"hello\",\"client\":\"test\",\"protocol\":1}");
        JsonNode hello = host.reply(1);
        assertTrue(hello.path("ok").asBoolean(), hello.toString());
        assertEquals(engine.engine().gatewayPort(), hello.path("data").path("gatewayPort").asInt());

        host.send("{\"id\":2,\"action\":\"sites.list\"}");
        assertTrue(host.reply(2).path("data").path("sites").isArray());

        host.send("{\"id\":3,\"action\":\"site.publish\",\"path\":" + Json.text(folder.toString()) + "}");
        JsonNode published = host.reply(3);
        assertTrue(published.path("ok").asBoolean(), published.toString());
        String address = published.path("data").path("address").asText();
        assertTrue(host.stdout.messages().stream().anyMatch(m -> m.path("event").asText().equals("publish.progress")),
                "progress events reach the browser too");

        host.send("not json at all");
        host.send("{\"id\":4,\"action\":\"no.such.action\"}");
        assertEquals(4, host.reply(4).path("error").path("code").asInt());

        assertEquals(0, host.hangUp());
        List<JsonNode> all = WireFrames.parseAll(host.stdout.bytes()); // every byte, not just the ones we waited for
        assertEquals(5, all.stream().filter(m -> !m.has("event")).count(), all.toString());
        assertTrue(Files.readString(home.logs().resolve("bitweb.log")).contains("bridging browser to engine"),
                "the host logs to its file, not to stdout");

        int port = engine.engine().gatewayPort();
        Http.Reply page = Http.proxyGet(port, address + ".bitweb", "/data.bin");
        assertArrayEquals(Files.readAllBytes(folder.resolve("data.bin")), page.body());
    }

    @Test
    void withoutAnEngineTheHostStartsOneFromItsOwnClasspathAndWaitsForIt(@TempDir Path own) throws Exception {
        StateDir state = new StateDir(own.resolve("home"));
        try (Answered answered = helloWhileAnotherEngineStarts(state, false)) {
            assertEquals(answered.engine().engine().gatewayPort(), answered.hello().path("data").path("gatewayPort").asInt());
            assertEquals(0, answered.host().hangUp());
            WireFrames.parseAll(answered.host().stdout.bytes());
        }
    }

    @Test
    void launchedAsABrowserDoesTheHostStartsTheEngineFirstAndOnlyOnce(@TempDir Path own) throws Exception {
        // A browser runs the launcher with "host" first and the state folder in the environment.
        // The engine, the longest wait of a first page, is started before the host's own set-up
        // (command line, logging), and the host then waits for that engine instead of starting
        // a second.
        StateDir state = new StateDir(own.resolve("home"));
        try (Answered answered = helloWhileAnotherEngineStarts(state, true)) {
            String log = read(state.logs().resolve("bitweb.log"));
            assertTrue(log.contains("started the engine as the bridge began"), log);
            assertFalse(log.contains("starting engine:"), "one engine started, not a second: " + log);
            String engineOut = read(state.logs().resolve("engine.out"));
            assertEquals(1, engineOut.split("already running", -1).length - 1, engineOut);
            assertEquals(0, answered.host().hangUp());
        }
    }

    record Answered(Host host, EngineDaemon engine, JsonNode hello) implements AutoCloseable {
        @Override
        public void close() {
            engine.close();
        }
    }

    /**
     * A host asked hello while another engine is still starting (the test holds the engine
     * lock): the engine the host spawns must load, reach the lock and give way (no real ports
     * are bound), and the host must keep waiting for the socket until the starting engine (the
     * test's, once it lets the lock go) is up, and answer from it.
     */
    private Answered helloWhileAnotherEngineStarts(StateDir state, boolean asBrowser) throws Exception {
        Path engineOut = state.logs().resolve("engine.out");
        EngineLock starting = EngineLock.tryAcquire(state).orElseThrow();
        Host host;
        try {
            host = new Host(state, asBrowser, "chrome-extension://x/");
            host.send("{\"id\":1,\"action\":\"hello\"}");
            Await.until("the spawned engine to run and find the lock taken", WAIT,
                    () -> read(engineOut).contains("already running") || read(engineOut).contains("Error"));
            assertTrue(read(engineOut).contains("already running"),
                    "the host's engine command could not run: " + read(engineOut));
        } finally {
            starting.close();
        }
        EngineDaemon late = EngineDaemon.start(state, new EngineOptions(0, 0, InetAddress.getLoopbackAddress()));
        try {
            JsonNode hello = host.reply(1);
            assertTrue(hello.path("ok").asBoolean(), hello.toString());
            return new Answered(host, late, hello);
        } catch (RuntimeException | AssertionError e) {
            late.close();
            throw e;
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    @Test
    void theHostExitsZeroAtOnceWhenFirefoxClosesStdinWithoutAsking() throws Exception {
        Host host = new Host("/home/u/.mozilla/native-messaging-hosts/org.bitweb.host.json", "bitweb@bitweb.org");
        assertEquals(0, host.hangUp());
        assertEquals(0, host.stdout.bytes().length, "nothing was asked, so nothing was written");
    }

    @Test
    void aFrameCutShortByTheBrowserStillEndsTheHostCleanly() throws Exception {
        Host host = new Host("chrome-extension://x/");
        host.send("{\"id\":1,\"action\":\"hello\"}");
        host.reply(1);
        // a header that declares more than the engine accepts, then the browser goes away
        host.stdin.write(ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(-1).array());
        host.stdin.write("{\"id\":2".getBytes());
        host.stdin.flush();
        assertEquals(0, host.hangUp());
        WireFrames.parseAll(host.stdout.bytes());
        try (EngineClient client = EngineClient.connect(home.socket())) {
            assertEquals(Protocol.VERSION, client.request("hello", null).path("protocol").asInt(), "the engine is unaffected");
        }
    }

    @Test
    void killingAHostInTheMiddleOfAPublishLeavesTheEngineServingOthers() throws Exception {
        Path folder = makeFolder("killed", 24 * 1024 * 1024, 2);
        Host host = new Host("chrome-extension://x/");
        host.send("{\"id\":1,\"action\":\"site.publish\",\"path\":" + Json.text(folder.toString()) + "}");
        host.stdout.await("a first publish.progress event", WAIT,
                m -> m.path("event").asText().equals("publish.progress"));
        host.process.destroyForcibly();
        assertTrue(host.process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS));
        // killed while relaying, the host may have written part of a frame last; the rest is whole
        WireFrames.parseAllCutShort(host.stdout.bytes());

        try (EngineClient client = EngineClient.connect(home.socket())) {
            JsonNode status = client.request("status", null);
            assertEquals(ProcessHandle.current().pid(), status.path("pid").asLong());
            // the publish the browser asked for goes on without it and ends in the site list
            Await.until("the orphaned publish to finish", WAIT, () -> {
                try {
                    for (JsonNode site : client.request("sites.list", null).path("sites")) {
                        if (site.path("name").asText().equals("killed")) {
                            return true;
                        }
                    }
                    return false;
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
        }
        try (var staging = Files.list(home.sites())) {
            assertFalse(staging.anyMatch(p -> p.getFileName().toString().startsWith(".staging-")));
        }
    }

    @Test
    void chromeAndFirefoxHostsShareOneEngineAtOnce() throws Exception {
        // as Chromium and Firefox start them: an origin, or a manifest path and an extension id
        Host chrome = new Host("chrome-extension://hamnkdlcefdoflgalckkjobapigpdeio/");
        Host firefox = new Host("/home/me/.mozilla/native-messaging-hosts/org.bitweb.host.json", "bitweb@bitweb.org");
        chrome.send("{\"id\":1,\"action\":\"hello\",\"protocol\":1}");
        firefox.send("{\"id\":1,\"action\":\"hello\",\"protocol\":1}");
        JsonNode chromeHello = chrome.reply(1);
        JsonNode firefoxHello = firefox.reply(1);
        assertEquals(chromeHello.path("data").path("gateway"), firefoxHello.path("data").path("gateway"),
                "one engine, one gateway");

        // a publish through one browser's host is seen at once through the other's
        Path folder = makeFolder("shared-by-two", 300_000, 77);
        chrome.send("{\"id\":2,\"action\":\"site.publish\",\"path\":" + Json.text(folder.toString()) + "}");
        firefox.send("{\"id\":2,\"action\":\"status\"}");
        assertTrue(firefox.reply(2).path("ok").asBoolean(), "a quick request is answered while the other host publishes");
        String address = chrome.reply(2).path("data").path("address").asText();
        firefox.send("{\"id\":3,\"action\":\"sites.list\"}");
        boolean listed = false;
        for (JsonNode site : firefox.reply(3).path("data").path("sites")) {
            listed |= site.path("address").asText().equals(address);
        }
        assertTrue(listed, "Firefox's host lists the site Chrome's host published");
        assertTrue(engine.engine().site(address).isPresent());
        assertEquals(0, chrome.hangUp());
        assertEquals(0, firefox.hangUp());
        chrome.stdout.check(); // nothing but frames on either stdout
        firefox.stdout.check();
    }
}
