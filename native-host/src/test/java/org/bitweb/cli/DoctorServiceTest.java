package org.bitweb.cli;

import org.bitweb.service.Service;
import org.bitweb.service.ServicePlatform;
import org.bitweb.store.StateDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bitweb doctor} on the always-on service: installed and running, stopped, or not installed. */
class DoctorServiceTest {
    @TempDir
    Path home;

    private String doctor(String systemctlAnswer, int exit) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Service service = new Service(ServicePlatform.SYSTEMD, home, Map.of(), c -> new Service.Run(exit, systemctlAnswer));
        new Doctor(new StateDir(home.resolve("state")), out, Map.of("HOME", home.toString()), "Linux", service).checkService();
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void noServiceIsANoteWithTheCommandThatInstallsIt() {
        String out = doctor("", 0);
        assertTrue(out.startsWith("note  service: not installed"), out);
        assertTrue(out.contains("to do: bitweb service install"), out);
    }

    @Test
    void anInstalledServiceThatDoesNotRunIsAProblemWithItsFix() throws Exception {
        Path unit = home.resolve(".config/systemd/user/bitweb.service");
        Files.createDirectories(unit.getParent());
        Files.writeString(unit, "[Service]\n");
        String failed = doctor("failed\n", 3);
        assertTrue(failed.startsWith("FAIL  service: systemd user service: installed, not running"), failed);
        assertTrue(failed.contains("fix: systemctl --user restart bitweb.service"), failed);
        String running = doctor("active\n", 0);
        assertTrue(running.startsWith("ok    service: systemd user service: running"), running);
        assertFalse(running.contains("fix"), running);
    }
}
