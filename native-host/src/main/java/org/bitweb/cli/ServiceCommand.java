package org.bitweb.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bitweb.engine.EngineJvm;
import org.bitweb.json.Json;
import org.bitweb.service.EngineCommand;
import org.bitweb.service.Service;
import org.bitweb.service.ServicePlatform;
import org.bitweb.service.ServiceState;
import org.bitweb.store.StateDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code bitweb service install|uninstall|status}: the engine as a per-user service that starts
 * at login and restarts after a crash (docs/SERVICE.md): a systemd user unit, a launchd agent,
 * a Task Scheduler logon task. The files come from {@link org.bitweb.service.ServiceFiles}.
 */
@Command(name = "service",
        header = "Keep the engine running: start it at login and restart it after a crash.",
        description = {
            "A systemd user service on Linux, a launchd agent on macOS, a logon task on Windows. "
                    + "The service runs 'bitweb serve' for this state folder; 'bitweb stop' stops it "
                    + "until the next login. On a server without logins, also run 'loginctl enable-linger'."},
        subcommands = {ServiceCommand.Install.class, ServiceCommand.Uninstall.class, ServiceCommand.Status.class})
final class ServiceCommand extends Subcommand {
    @Override
    public Integer call() {
        throw usage("which one? install, uninstall or status");
    }

    static Service service(Streams io) {
        String home = io.env().get("HOME");
        Path userHome = Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home"));
        return new Service(ServicePlatform.of(io.os()), userHome, io.env(), Service.processes());
    }

    /**
     * What the service runs: the installed {@code bitweb} launcher (it names Java and the JVM
     * options; the launcher sets BITWEB_LAUNCHER to its own path), else this Java with the
     * engine's memory options and this jar.
     */
    static EngineCommand engineCommand(Map<String, String> env, String os, Path stateDir, Path launcherOption) {
        Path launcher = launcherOption != null ? launcherOption
                : env.get("BITWEB_LAUNCHER") != null ? Path.of(env.get("BITWEB_LAUNCHER")) : null;
        boolean windows = ServicePlatform.of(os) == ServicePlatform.TASK_SCHEDULER;
        if (launcher != null && !windows) {
            if (!launcher.isAbsolute() || !Files.isExecutable(launcher)) {
                throw new CliException(Outcome.USAGE, "the launcher " + launcher + " is not an executable file by its absolute path");
            }
            return EngineCommand.ofLauncher(launcher, stateDir);
        }
        Path java = Path.of(ProcessHandle.current().info().command().orElseThrow(() -> new CliException(Outcome.ERROR,
                "cannot tell which Java runs this command; run 'bitweb service install' through the installed launcher")));
        if (windows && java.getFileName().toString().equalsIgnoreCase("java.exe")) {
            java = java.resolveSibling("javaw.exe"); // no console window at logon
        }
        Path code;
        try {
            code = Path.of(ServiceCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | RuntimeException e) {
            throw new CliException(Outcome.ERROR, "cannot tell where bitweb's jar is: " + e.getMessage());
        }
        if (!Files.isRegularFile(code)) {
            throw new CliException(Outcome.ERROR, "bitweb runs from " + code + ", not from a jar: install it first "
                    + "(installer/install.sh), or pass --launcher PATH");
        }
        // the launcher's JVM options, which a bare jar does not carry: the engine's base options
        return EngineCommand.ofJar(java, EngineJvm.base(), code, stateDir);
    }

    @Command(name = "install",
            header = "Start the engine at login from now on, and now.",
            footerHeading = "%nExamples:%n",
            footer = {"  bitweb service install", "  sudo loginctl enable-linger $USER      also at boot, without a login (a server)"})
    static final class Install extends Subcommand {
        @Option(names = "--launcher", paramLabel = "PATH",
                description = "the program the service runs with 'serve' (default: the installed bitweb command)")
        Path launcher;

        @Override
        public Integer call() throws IOException {
            StateDir dir = open();
            Service service = service(io());
            EngineCommand command = engineCommand(io().env(), io().os(), dir.root(), launcher);
            // an engine started by a browser or by hand holds the folder: the service takes over,
            // once the service manager answered (no engine is stopped for a service that cannot start)
            boolean[] stopped = new boolean[1];
            Service.Report report = service.install(command, dir.root(),
                    () -> stopped[0] = StopCommand.stopRunning(dir, io()).isPresent());
            report.lines().forEach(out()::println);
            if (stopped[0]) {
                out().println("stopped the engine that was running, so that the service runs it");
            }
            out().println(report.ok() ? "the " + service.platform().description + " runs: " + String.join(" ", command.argv())
                    : "the service is written but not running; see above");
            return report.ok() ? Outcome.OK.status : Outcome.ERROR.status;
        }
    }

    @Command(name = "uninstall",
            header = "Stop the service and remove it; the engine then runs only with a browser or 'bitweb serve'.",
            footerHeading = "%nExamples:%n", footer = {"  bitweb service uninstall"})
    static final class Uninstall extends Subcommand {
        @Override
        public Integer call() throws IOException {
            StateDir dir = open();
            service(io()).uninstall(dir.root()).lines().forEach(out()::println);
            return Outcome.OK.status;
        }
    }

    @Command(name = "status",
            header = "Say whether the service is installed and running, and the command that fixes it.",
            footerHeading = "%nExamples:%n", footer = {"  bitweb service status", "  bitweb service status --json"})
    static final class Status extends Subcommand {
        @Mixin
        JsonOption json;

        @Override
        public Integer call() {
            StateDir dir = open();
            ServiceState state = service(io()).state(dir.root());
            if (json.on) {
                ObjectNode node = (ObjectNode) Json.tree(state);
                out().println(Json.text(node));
            } else {
                out().println(state.line());
                if (state.fix() != null) {
                    out().println("fix: " + state.fix());
                }
            }
            return Outcome.OK.status;
        }
    }
}
