package org.bitweb.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bitweb.daemon.EngineDaemon;
import org.bitweb.engine.EngineOptions;
import org.bitweb.store.StateDir;
import org.bitweb.testing.ChildJava;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code bitweb} command in a child process, with its exit codes and its stdout as a script sees them. */
class CommandLineTest {
    @TempDir
    Path tmp;

    record Run(int exit, String stdout, String stderr) {
    }

    Run run(String... args) throws Exception {
        Path out = tmp.resolve("out-" + System.nanoTime());
        Path err = tmp.resolve("err-" + System.nanoTime());
        Process p = new ProcessBuilder(ChildJava.command(args))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("bitweb " + String.join(" ", args) + " did not finish; stderr: " + Files.readString(err));
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void withoutAnEnginePublishWritesTheSiteIntoTheStoreAndStatusListsIt() throws Exception {
        Path home = tmp.resolve("home");
        Path site = Files.createDirectories(tmp.resolve("src/notes"));
        Files.writeString(site.resolve("index.html"), "<h1>notes</h1>");

        Run publish = run("--home", home.toString(), "publish", site.toString(), "--json");
        assertEquals(0, publish.exit(), publish.stderr());
        JsonNode published = new ObjectMapper().readTree(publish.stdout());
        assertEquals("stopped", published.path("engine").asText(), "no engine was running");
        String address = published.path("address").asText();
        assertEquals("http://" + address + ".bitweb/", published.path("url").asText());
        assertTrue(Files.exists(home.resolve("sites").resolve(address).resolve("site.torrent")));

        Run status = run("--home", home.toString(), "status", "--json");
        assertEquals(0, status.exit(), status.stderr());
        JsonNode json = new ObjectMapper().readTree(status.stdout());
        assertEquals(false, json.path("running").asBoolean(true));
        assertEquals(address, json.path("sites").get(0).path("address").asText());
    }

    @Test
    void withoutAnEnginePublishWithAKeySignsVersionsAndStatusListsTheKeySiteOnce() throws Exception {
        Path home = tmp.resolve("home");
        Path site = Files.createDirectories(tmp.resolve("src/blog"));
        Files.writeString(site.resolve("index.html"), "<h1>one</h1>");

        Run first = run("--home", home.toString(), "publish", site.toString(), "--key", "blog", "--json");
        assertEquals(0, first.exit(), first.stderr());
        JsonNode v1 = new ObjectMapper().readTree(first.stdout());
        String address = v1.path("address").asText();
        assertTrue(address.matches("[a-z2-7]{52}"), address);
        assertEquals(1, v1.path("seq").asLong());
        Files.writeString(site.resolve("index.html"), "<h1>two</h1>");
        Run second = run("--home", home.toString(), "publish", site.toString(), "--key", "blog");
        assertEquals(0, second.exit(), second.stderr());
        assertTrue(second.stdout().contains("version 2") && second.stdout().contains("http://" + address + ".bitweb/"),
                second.stdout());

        Run keys = run("--home", home.toString(), "key", "list");
        assertEquals(0, keys.exit(), keys.stderr());
        assertTrue(keys.stdout().contains("blog") && keys.stdout().contains(address), keys.stdout());

        Run status = run("--home", home.toString(), "status", "--json");
        JsonNode sites = new ObjectMapper().readTree(status.stdout()).path("sites");
        assertEquals(1, sites.size(), sites.toString());
        assertEquals(address, sites.get(0).path("address").asText());
        assertEquals(2, sites.get(0).path("seq").asLong());

        Run saltAlone = run("--home", home.toString(), "publish", site.toString(), "--salt", "x");
        assertEquals(2, saltAlone.exit(), saltAlone.stderr());
    }

    @Test
    void mistakesInTheCommandExitWithTwoAndOneLineOnStderr() throws Exception {
        Run unknown = run("--home", tmp.resolve("home").toString(), "frobnicate");
        assertEquals(2, unknown.exit());
        assertEquals("bitweb: unknown command 'frobnicate' (see 'bitweb help')\n", unknown.stderr());
        assertEquals("", unknown.stdout());

        Run misplaced = run("--home", tmp.resolve("home").toString(), "serve", "--key", "x");
        assertEquals(2, misplaced.exit(), misplaced.stderr());
        assertTrue(misplaced.stderr().contains("'--key'") && misplaced.stderr().contains("'bitweb publish'"), misplaced.stderr());
    }

    @Test
    void withAnEngineRunningStatusSaysSoAndASecondServeExitsThree() throws Exception {
        StateDir home = new StateDir(tmp.resolve("home"));
        try (EngineDaemon engine = EngineDaemon.start(home, new EngineOptions(0, 0, InetAddress.getLoopbackAddress()))) {
            Run status = run("--home", home.root().toString(), "status", "--json");
            assertEquals(0, status.exit(), status.stderr());
            JsonNode json = new ObjectMapper().readTree(status.stdout());
            assertTrue(json.path("running").asBoolean(false), status.stdout());
            assertEquals(ProcessHandle.current().pid(), json.path("pid").asLong());
            assertEquals(engine.engine().gatewayPort(), json.path("gatewayPort").asInt());

            Run serve = run("--home", home.root().toString(), "serve", "--gateway-port", "0", "--peer-port", "0",
                    "--peer-bind", "127.0.0.1");
            assertEquals(3, serve.exit(), serve.stderr());
            assertTrue(serve.stderr().startsWith("bitweb serve: an engine is already running for " + home.root()), serve.stderr());
            assertEquals(1, serve.stderr().lines().count(), "one line, no stack trace: " + serve.stderr());

            Run serveJson = run("--home", home.root().toString(), "serve", "--gateway-port", "0", "--peer-port", "0",
                    "--peer-bind", "127.0.0.1", "--json");
            assertEquals(2, serveJson.exit(), "serve has no --json: " + serveJson.stdout());
            assertEquals("USAGE", new ObjectMapper().readTree(serveJson.stdout()).path("error").path("code").asText());
        }
    }

    @Test
    void aStopWhileTheEngineStartsClosesItWithoutCallingItABug() throws Exception {
        // systemctl stop, a logout or Ctrl-C can come while the engine starts: early (its lock
        // just taken) or late (its engine is up, the daemon around it not yet)
        stopWhileStarting("early", home -> Files.exists(home.lock()));
        stopWhileStarting("late", home -> Files.readString(home.root().resolve("../err-late").normalize()).contains("engine up"));
    }

    interface Moment {
        boolean reached(StateDir home) throws Exception;
    }

    private void stopWhileStarting(String name, Moment moment) throws Exception {
        StateDir home = new StateDir(tmp.resolve(name));
        Path err = tmp.resolve("err-" + name);
        Process p = new ProcessBuilder(ChildJava.command("--home", home.root().toString(), "serve", "--gateway-port", "0",
                "--peer-port", "0", "--peer-bind", "127.0.0.1", "--no-dht", "--no-lan", "--no-port-mapping"))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!(Files.exists(err) && moment.reached(home)) && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(2); // polling for what the child writes, up to a deadline
            }
            assertTrue(moment.reached(home), name + " moment never came; " + Files.readString(err));
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the engine stopped");
        } finally {
            p.destroyForcibly();
        }
        String stderr = Files.readString(err);
        assertTrue(p.exitValue() == 143 || p.exitValue() == 0, name + ": exit " + p.exitValue() + ": " + stderr);
        assertFalse(stderr.contains("a bug") || stderr.contains("Exception"), name + ": " + stderr);
        // the stop waited for the start, then closed the engine, or the start it cut short closed
        // what it had opened: either way the engine said so, it was not cut off half started
        assertTrue(stderr.contains("engine stopped") || stderr.contains("stopped while starting"),
                name + ": the engine was cut off, not closed; " + stderr);
        assertFalse(Files.exists(home.engineInfo()), name + ": an engine that said where its gateway is takes that away");
    }
}
