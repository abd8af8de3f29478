package org.bitweb.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.bitweb.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bitweb service} on this Linux machine, in a throwaway HOME: the unit is written where
 * systemd looks, runs the launcher with this state folder, and status says what fixes it.
 */
class ServiceCommandTest {
    @TempDir
    Path tmp;

    private InProcess bitweb(Map<String, String> env, String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--home";
        all[1] = tmp.resolve("state").toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return InProcess.run("", env, all);
    }

    @Test
    void installWritesTheUnitStatusReportsItUninstallRemovesIt() throws Exception {
        Map<String, String> env = Map.of("HOME", tmp.resolve("home").toString(), "XDG_CONFIG_HOME", "");
        JsonNode before = Json.MAPPER.readTree(bitweb(env, "service", "status", "--json").out());
        assertEquals("NOT_INSTALLED", before.path("kind").asText(), before.toString());
        assertEquals("bitweb service install", before.path("fix").asText());

        Path launcher = tmp.resolve("bitweb");
        Files.writeString(launcher, "#!/bin/sh\nexit 0\n");
        assertTrue(launcher.toFile().setExecutable(true));
        InProcess install = bitweb(env, "service", "install", "--launcher", launcher.toString());
        Path unit = tmp.resolve("home/.config/systemd/user/bitweb.service");
        assertTrue(Files.exists(unit), install.toString());
        assertTrue(Files.readString(unit).contains("ExecStart=\"" + launcher + "\" \"serve\" \"--home\" \""
                + tmp.resolve("state") + "\""), Files.readString(unit));
        // with a systemd user manager it starts now (exit 0); in a container there is none to tell (exit 1, and how)
        if (install.exit() != 0) {
            assertEquals(Outcome.ERROR.status, install.exit(), install.toString());
            assertTrue(install.out().contains("systemctl --user enable --now bitweb.service"), install.out());
        }
        assertTrue(install.out().contains("loginctl enable-linger"), install.out());
        InProcess status = bitweb(env, "service", "status");
        assertTrue(status.out().startsWith("systemd user service: "), status.out());
        assertFalse(status.out().contains("not installed"), status.out());

        InProcess uninstall = bitweb(env, "service", "uninstall");
        assertEquals(0, uninstall.exit(), uninstall.toString());
        assertFalse(Files.exists(unit));
    }

    @Test
    void aLauncherMustBeAnExecutableByAbsolutePath() {
        InProcess install = bitweb(Map.of("HOME", tmp.resolve("home").toString()), "service", "install", "--launcher", "bitweb");
        assertEquals(Outcome.USAGE.status, install.exit(), install.toString());
    }
}
