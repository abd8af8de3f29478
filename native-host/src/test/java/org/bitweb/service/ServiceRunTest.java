package org.bitweb.service;

import com.fasterxml.jackson.databind.JsonNode;
import org.bitweb.interop.Tools;
import org.bitweb.messaging.EngineClient;
import org.bitweb.site.Publisher;
import org.bitweb.store.SiteStore;
import org.bitweb.store.StateDir;
import org.bitweb.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The systemd unit's ExecStart run for real, as systemd would run it (no user systemd runs in a
 * container: docs/SERVICE.md): the engine comes up and seeds, a kill -9 ends it the way
 * {@code Restart=on-failure} restarts, the restarted engine has every site, and a clean stop or
 * an engine already running end it the ways the unit does not restart.
 *
 * <p>The command uses the engine's default ports, as a user's does; each run gets a network
 * namespace of its own ({@code unshare -rn}), so those ports never clash with anything here.
 */
class ServiceRunTest {
    private static final Duration UP = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void killAll() throws InterruptedException {
        for (Process p : started) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void theUnitsCommandRunsTheEngineAndOnlyACrashIsRestarted() throws Exception {
        Path unshare = Tools.assumeBinary("unshare", "util-linux");
        Path ip = Tools.which("ip").or(() -> Tools.which("/usr/sbin/ip".substring(10))).orElse(Path.of("/usr/sbin/ip"));
        StateDir state = new StateDir(dir.resolve("state")).create();
        Path site = Files.createDirectories(dir.resolve("site"));
        Files.writeString(site.resolve("index.html"), "<h1>always on</h1>");
        Publisher.publish(state, SiteStore.open(state), site, (done, total) -> { });

        String unit = ServiceFiles.systemdUnit(EngineCommand.ofLauncher(launcher(), state.root()));
        List<String> execStart = SystemdUnit.execStart(unit);
        List<String> inNamespace = new ArrayList<>(List.of(unshare.toString(), "-rn", "sh", "-c",
                "\"$0\" link set lo up && exec \"$@\"", ip.toString()));
        inNamespace.addAll(execStart);

        Process engine = start(inNamespace, "first");
        JsonNode status = awaitEngine(state, engine);
        assertEquals(1, status.path("sites").size(), status.toString());
        assertEquals("site", status.path("sites").get(0).path("name").asText());
        assertTrue(status.path("sites").get(0).path("seeding").asBoolean(), "the published site is seeded: " + status);

        // kill -9: a crash as systemd sees one
        engine.destroyForcibly();
        assertTrue(engine.waitFor(30, TimeUnit.SECONDS));
        assertEquals(128 + 9, engine.exitValue(), "killed by SIGKILL");
        assertTrue(SystemdUnit.restarts(unit, -1, "KILL"), "Restart=on-failure starts it again after SIGKILL");

        // what systemd then does: the same command again; the store survived the kill
        Process again = start(inNamespace, "restarted");
        JsonNode after = awaitEngine(state, again);
        assertEquals(1, after.path("sites").size());
        assertTrue(after.path("sites").get(0).path("seeding").asBoolean());

        // a second engine for the same folder exits 3, which the unit does not restart on
        Process second = start(inNamespace, "second");
        assertTrue(second.waitFor(60, TimeUnit.SECONDS), "the second engine gives up at once");
        assertEquals(3, second.exitValue(), log("second"));
        assertFalse(SystemdUnit.restarts(unit, 3, null), "RestartPreventExitStatus=3");

        // SIGTERM (systemctl stop, logout): the shutdown hook closes the engine, Java exits 143
        again.destroy();
        assertTrue(again.waitFor(60, TimeUnit.SECONDS));
        assertEquals(143, again.exitValue(), log("restarted"));
        assertFalse(SystemdUnit.restarts(unit, 143, null), "a clean stop is not restarted");
        assertFalse(Files.exists(state.engineInfo()), "the engine cleaned up after itself");

        // and the rule itself: a failed start (exit 1) is restarted, exit 0 is not
        assertTrue(SystemdUnit.restarts(unit, 1, null));
        assertFalse(SystemdUnit.restarts(unit, 0, null));
    }

    /** A launcher like the installer's: exec java ... "$@" (here with the test's classpath). */
    private Path launcher() throws IOException {
        Path launcher = dir.resolve("bin").resolve("bitweb");
        Files.createDirectories(launcher.getParent());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Files.writeString(launcher, "#!/bin/sh\nexec '" + java + "' -XX:TieredStopAtLevel=1 -cp '"
                + System.getProperty("java.class.path") + "' org.bitweb.cli.Main \"$@\"\n");
        assertTrue(launcher.toFile().setExecutable(true));
        return launcher;
    }

    private Process start(List<String> command, String name) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().put("BITWEB_SERVICE", "systemd"); // the unit's Environment=
        Process p = builder.start();
        started.add(p);
        return p;
    }

    private JsonNode awaitEngine(StateDir state, Process engine) {
        JsonNode[] status = new JsonNode[1];
        Await.until("the engine to answer on its control socket", UP, () -> {
            if (!engine.isAlive()) {
                throw new AssertionError("the engine exited " + engine.exitValue() + ": " + log("first") + log("restarted"));
            }
            try (EngineClient client = EngineClient.connect(state.socket())) {
                status[0] = client.request("status", null);
                return true;
            } catch (Exception notYet) {
                return false;
            }
        });
        return status[0];
    }

    private String log(String name) {
        try {
            Path file = dir.resolve(name + ".log");
            return Files.exists(file) ? "\n--- " + name + ".log\n" + Files.readString(file) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }
}
