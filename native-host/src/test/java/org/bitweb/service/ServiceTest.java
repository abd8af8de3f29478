package org.bitweb.service;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@code bitweb service install | uninstall | status} tells each service manager, and how it
 * reads the answers. The managers' commands are recorded here, not run (no launchd or Task
 * Scheduler on Linux, and no systemd user manager in a container); the files are real.
 */
class ServiceTest {
    @TempDir
    Path home;

    private final List<List<String>> ran = new ArrayList<>();

    private Service service(ServicePlatform platform, Function<List<String>, Service.Run> answers) {
        return new Service(platform, home, Map.of("USER", "me", "USERNAME", "me"), command -> {
            ran.add(command);
            return answers.apply(command);
        });
    }

    private final EngineCommand command = EngineCommand.ofLauncher(Path.of("/opt/bitweb/bin/bitweb"), Path.of("/state"));

    @Test
    void onLinuxInstallWritesTheUserUnitAndEnablesItNow() throws Exception {
        Service service = service(ServicePlatform.SYSTEMD, c -> new Service.Run(0, ""));
        Service.Report report = service.install(command, home.resolve("state"));
        Path unit = home.resolve(".config/systemd/user/bitweb.service");
        assertTrue(report.ok());
        assertEquals(ServiceFiles.systemdUnit(command), Files.readString(unit));
        assertEquals(List.of(List.of("systemctl", "--user", "daemon-reload"),
                List.of("systemctl", "--user", "enable", "--now", "bitweb.service")), ran);
        assertTrue(report.lines().stream().anyMatch(l -> l.contains("loginctl enable-linger me")),
                "a headless machine needs lingering to start it at boot: " + report.lines());
    }

    @Test
    void withoutASystemdUserManagerTheUnitIsWrittenAndTheReportSaysWhatToRunInASession() throws Exception {
        Service service = service(ServicePlatform.SYSTEMD, c -> new Service.Run(1, "Failed to connect to bus: No medium found"));
        Service.Report report = service.install(command, home.resolve("state"));
        assertFalse(report.ok());
        assertTrue(Files.exists(home.resolve(".config/systemd/user/bitweb.service")));
        assertTrue(String.join("\n", report.lines()).contains("systemctl --user enable --now bitweb.service"), report.lines().toString());
        ServiceState state = service.state(home.resolve("state"));
        assertEquals(ServiceState.Kind.UNKNOWN, state.kind());
        assertEquals("systemctl --user enable --now bitweb.service", state.fix());
    }

    @Test
    void aRunningEngineIsStoppedOnlyOnceTheManagerAnswersJustBeforeTheServiceStarts() throws Exception {
        List<String> order = new ArrayList<>();
        Service unreachable = new Service(ServicePlatform.SYSTEMD, home, Map.of(), c -> {
            order.add(String.join(" ", c));
            return new Service.Run(1, "Failed to connect to bus: No medium found");
        });
        unreachable.install(command, home, () -> order.add("stop the running engine"));
        assertEquals(List.of("systemctl --user daemon-reload"), order, "no service can start: the engine keeps running");
        order.clear();
        Service reachable = new Service(ServicePlatform.SYSTEMD, home, Map.of(), c -> {
            order.add(String.join(" ", c));
            return new Service.Run(0, "");
        });
        reachable.install(command, home, () -> order.add("stop the running engine"));
        assertEquals(List.of("systemctl --user daemon-reload", "stop the running engine",
                "systemctl --user enable --now bitweb.service"), order);
    }

    @Test
    void linuxStateReadsSystemctlIsActive() {
        assertEquals(ServiceState.Kind.NOT_INSTALLED, service(ServicePlatform.SYSTEMD, c -> new Service.Run(0, "active")).state(home).kind());
        assertEquals(List.of(), ran, "no unit file: nothing to ask");
    }

    @Test
    void linuxStateOfAnInstalledUnit() throws Exception {
        Path unit = home.resolve(".config/systemd/user/bitweb.service");
        Files.createDirectories(unit.getParent());
        Files.writeString(unit, "x");
        ServiceState running = service(ServicePlatform.SYSTEMD, c -> new Service.Run(0, "active\n")).state(home);
        assertEquals(ServiceState.Kind.RUNNING, running.kind());
        assertNull(running.fix());
        ServiceState failed = service(ServicePlatform.SYSTEMD, c -> new Service.Run(3, "failed\n")).state(home);
        assertEquals(ServiceState.Kind.STOPPED, failed.kind());
        assertEquals("systemctl --user restart bitweb.service", failed.fix());
        assertTrue(failed.detail().contains("journalctl --user -u bitweb.service"), failed.detail());
    }

    @Test
    void xdgConfigHomeIsWhereSystemdLooksForUserUnits() {
        Service service = new Service(ServicePlatform.SYSTEMD, home, Map.of("XDG_CONFIG_HOME", "/elsewhere/config"),
                c -> new Service.Run(0, ""));
        assertEquals(Path.of("/elsewhere/config/systemd/user/bitweb.service"), service.file(home));
    }

    @Test
    void linuxUninstallDisablesStopsAndDeletesTheUnit() throws Exception {
        Service service = service(ServicePlatform.SYSTEMD, c -> new Service.Run(0, ""));
        service.install(command, home);
        ran.clear();
        service.uninstall(home);
        assertFalse(Files.exists(service.file(home)));
        assertEquals(List.of(List.of("systemctl", "--user", "disable", "--now", "bitweb.service"),
                List.of("systemctl", "--user", "daemon-reload")), ran);
    }

    @Test
    void onMacosInstallBootstrapsTheAgentInTheGuiDomain() throws Exception {
        Service service = service(ServicePlatform.LAUNCHD, c -> new Service.Run(0, ""));
        service.install(command, home.resolve("state"));
        Path plist = home.resolve("Library/LaunchAgents/org.bitweb.engine.plist");
        assertTrue(Files.exists(plist));
        String uid = String.valueOf(Files.getAttribute(home, "unix:uid"));
        assertEquals(List.of(List.of("launchctl", "bootout", "gui/" + uid + "/org.bitweb.engine"),
                List.of("launchctl", "bootstrap", "gui/" + uid, plist.toString())), ran);
        assertEquals(ServiceState.Kind.RUNNING, service(ServicePlatform.LAUNCHD,
                c -> new Service.Run(0, "gui/501/org.bitweb.engine = {\n\tstate = running\n")).state(home).kind());
        assertEquals(ServiceState.Kind.STOPPED, service(ServicePlatform.LAUNCHD,
                c -> new Service.Run(0, "gui/501/org.bitweb.engine = {\n\tstate = not running\n")).state(home).kind());
        ran.clear();
        service.uninstall(home);
        assertFalse(Files.exists(plist));
        assertEquals(List.of(List.of("launchctl", "bootout", "gui/" + uid + "/org.bitweb.engine")), ran);
    }

    @Test
    void onWindowsInstallCreatesTheTaskFromItsXmlAndRunsIt() throws Exception {
        Path state = home.resolve("state");
        Files.createDirectories(state);
        Service service = service(ServicePlatform.TASK_SCHEDULER, c -> new Service.Run(0, ""));
        service.install(command, state);
        Path xml = state.resolve("bitweb-task.xml");
        assertEquals(List.of(List.of("schtasks", "/Create", "/TN", "BitWeb\\Engine", "/XML", xml.toString(), "/F"),
                List.of("schtasks", "/Run", "/TN", "BitWeb\\Engine")), ran);
        assertEquals(ServiceState.Kind.RUNNING, service(ServicePlatform.TASK_SCHEDULER,
                c -> new Service.Run(0, "\"\\BitWeb\\Engine\",\"N/A\",\"Running\"\r\n")).state(state).kind());
        assertEquals(ServiceState.Kind.STOPPED, service(ServicePlatform.TASK_SCHEDULER,
                c -> new Service.Run(0, "\"\\BitWeb\\Engine\",\"N/A\",\"Ready\"\r\n")).state(state).kind());
        assertEquals(ServiceState.Kind.NOT_INSTALLED, service(ServicePlatform.TASK_SCHEDULER,
                c -> new Service.Run(1, "ERROR: The system cannot find the file specified.")).state(state).kind());
        ran.clear();
        service.uninstall(state);
        assertEquals(List.of(List.of("schtasks", "/End", "/TN", "BitWeb\\Engine"),
                List.of("schtasks", "/Delete", "/TN", "BitWeb\\Engine", "/F")), ran);
        assertFalse(Files.exists(xml));
    }

    @Test
    void theRealRunnerReportsAMissingProgramAsAnAnswerNotACrash() throws Exception {
        Service.Run run = Service.processes().run(List.of("/nonexistent/systemctl", "--user"));
        assertEquals(-1, run.exit());
        assertTrue(run.output().contains("cannot be run"), run.output());
        Service.Run echo = Service.processes().run(List.of("sh", "-c", "echo hi; echo there >&2; exit 3"));
        assertEquals(3, echo.exit());
        assertEquals("hi\nthere\n", echo.output());
    }
}
