package org.bitweb.service;

import org.bitweb.store.AtomicFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * BitWeb's per-user service: writes the definition where the OS's service manager looks
 * ({@link ServiceFiles}), tells the manager to start it at login and now, and asks it how the
 * service is. Every command goes through a {@link Runner}, so what is run on macOS and Windows
 * can be checked on Linux (docs/SERVICE.md lists the same commands).
 */
public final class Service {
    /** Runs one command and returns its exit status and output (stdout and stderr together). */
    @FunctionalInterface
    public interface Runner {
        Run run(List<String> command) throws IOException;
    }

    /** @param exit the command's exit status; -1 when it could not be started */
    public record Run(int exit, String output) {
        public boolean ok() {
            return exit == 0;
        }

        public String firstLine() {
            String text = output.strip();
            int end = text.indexOf('\n');
            return end < 0 ? text : text.substring(0, end).strip();
        }
    }

    /** What install or uninstall did, line by line, and whether the service now does what was asked. */
    public record Report(boolean ok, List<String> lines) {
        public Report {
            lines = List.copyOf(lines);
        }
    }

    private final ServicePlatform platform;
    private final Path userHome;
    private final Map<String, String> env;
    private final Runner runner;

    /**
     * @param userHome the user's home folder: the unit and agent folders are below it
     * @param env      the environment ({@code XDG_CONFIG_HOME}, {@code USERNAME}, {@code USERDOMAIN})
     */
    public Service(ServicePlatform platform, Path userHome, Map<String, String> env, Runner runner) {
        this.platform = platform;
        this.userHome = userHome;
        this.env = env;
        this.runner = runner;
    }

    /** The service of the user running this process, asked through real commands. */
    public static Service forThisUser(Map<String, String> env) {
        String home = env.get("HOME");
        Path userHome = Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home"));
        return new Service(ServicePlatform.of(System.getProperty("os.name")), userHome, env, processes());
    }

    public ServicePlatform platform() {
        return platform;
    }

    /** Where the definition goes: the unit file, the agent's plist, or the task XML kept for schtasks. */
    public Path file(Path stateDir) {
        return switch (platform) {
            case SYSTEMD -> {
                String xdg = env.get("XDG_CONFIG_HOME");
                Path config = xdg != null && Path.of(xdg).isAbsolute() ? Path.of(xdg) : userHome.resolve(".config");
                yield config.resolve("systemd").resolve("user").resolve(ServiceFiles.UNIT);
            }
            case LAUNCHD -> userHome.resolve("Library").resolve("LaunchAgents").resolve(ServiceFiles.LABEL + ".plist");
            case TASK_SCHEDULER -> stateDir.resolve("bitweb-task.xml");
        };
    }

    /** The definition's bytes, as they are written. */
    public byte[] definition(EngineCommand command, Path stateDir) {
        return switch (platform) {
            case SYSTEMD -> ServiceFiles.systemdUnit(command).getBytes(StandardCharsets.UTF_8);
            case LAUNCHD -> ServiceFiles.launchdPlist(command, stateDir.resolve("logs").resolve("service.log").toString())
                    .getBytes(StandardCharsets.UTF_8);
            // schtasks reads the task's XML as UTF-16 with a byte order mark, as its encoding says
            case TASK_SCHEDULER -> utf16(ServiceFiles.taskXml(command, windowsUser()));
        };
    }

    /** Writes the definition and has the manager start the engine at login, and now. */
    public Report install(EngineCommand command, Path stateDir) throws IOException {
        return install(command, stateDir, () -> { });
    }

    /**
     * @param beforeStart runs once the manager is known to answer, just before it starts the
     *                    service: stops an engine a browser or a terminal runs, so that the
     *                    service's engine takes over (and none is stopped when the service cannot start)
     */
    public Report install(EngineCommand command, Path stateDir, Runnable beforeStart) throws IOException {
        Path file = file(stateDir);
        Files.createDirectories(file.getParent());
        AtomicFiles.write(file, definition(command, stateDir));
        List<String> lines = new ArrayList<>();
        lines.add("wrote " + file);
        boolean ok = switch (platform) {
            case SYSTEMD -> {
                Run reload = run(lines, systemctl("daemon-reload"));
                if (!reload.ok()) {
                    lines.add("the systemd user manager is not reachable here (" + reload.firstLine() + "); in a login "
                            + "session run: systemctl --user enable --now " + ServiceFiles.UNIT);
                    yield false;
                }
                beforeStart.run();
                yield run(lines, systemctl("enable", "--now", ServiceFiles.UNIT)).ok();
            }
            case LAUNCHD -> {
                run(lines, List.of("launchctl", "bootout", launchdTarget())); // an older definition, if loaded
                beforeStart.run();
                yield run(lines, List.of("launchctl", "bootstrap", launchdDomain(), file.toString())).ok();
            }
            case TASK_SCHEDULER -> {
                if (!run(lines, List.of("schtasks", "/Create", "/TN", ServiceFiles.TASK, "/XML", file.toString(), "/F")).ok()) {
                    yield false;
                }
                beforeStart.run();
                yield run(lines, List.of("schtasks", "/Run", "/TN", ServiceFiles.TASK)).ok();
            }
        };
        if (platform == ServicePlatform.SYSTEMD) {
            lines.add("it starts when you log in; on a server without logins, also run once: loginctl enable-linger "
                    + env.getOrDefault("USER", "$USER"));
        }
        return new Report(ok, lines);
    }

    /** Stops the service, tells the manager to forget it and deletes the definition. */
    public Report uninstall(Path stateDir) throws IOException {
        Path file = file(stateDir);
        List<String> lines = new ArrayList<>();
        boolean ok = switch (platform) {
            case SYSTEMD -> {
                Run disable = run(lines, systemctl("disable", "--now", ServiceFiles.UNIT));
                boolean deleted = Files.deleteIfExists(file);
                run(lines, systemctl("daemon-reload"));
                yield disable.ok() || deleted;
            }
            case LAUNCHD -> {
                run(lines, List.of("launchctl", "bootout", launchdTarget()));
                yield Files.deleteIfExists(file) || true;
            }
            case TASK_SCHEDULER -> {
                run(lines, List.of("schtasks", "/End", "/TN", ServiceFiles.TASK));
                Run delete = run(lines, List.of("schtasks", "/Delete", "/TN", ServiceFiles.TASK, "/F"));
                yield Files.deleteIfExists(file) || delete.ok();
            }
        };
        lines.add(ok ? "the service is gone; the engine now runs while a browser or 'bitweb serve' runs it"
                : "no BitWeb service was installed");
        return new Report(true, lines);
    }

    /** Asks the manager whether the service is installed and running. */
    public ServiceState state(Path stateDir) {
        Path file = file(stateDir);
        String install = "bitweb service install";
        try {
            return switch (platform) {
                case SYSTEMD -> {
                    if (!Files.exists(file)) {
                        yield new ServiceState(platform, ServiceState.Kind.NOT_INSTALLED, "", install);
                    }
                    Run active = runner.run(systemctl("is-active", ServiceFiles.UNIT));
                    String word = active.firstLine();
                    if (active.ok()) {
                        yield new ServiceState(platform, ServiceState.Kind.RUNNING, file.toString(), null);
                    }
                    if (!word.matches("[a-z-]+")) { // "Failed to connect to bus: ...": no user manager to ask
                        yield new ServiceState(platform, ServiceState.Kind.UNKNOWN, "the systemd user manager is not "
                                + "reachable: " + word, "systemctl --user enable --now " + ServiceFiles.UNIT);
                    }
                    yield new ServiceState(platform, ServiceState.Kind.STOPPED, word + "; see journalctl --user -u "
                            + ServiceFiles.UNIT, "systemctl --user restart " + ServiceFiles.UNIT);
                }
                case LAUNCHD -> {
                    if (!Files.exists(file)) {
                        yield new ServiceState(platform, ServiceState.Kind.NOT_INSTALLED, "", install);
                    }
                    Run print = runner.run(List.of("launchctl", "print", launchdTarget()));
                    if (print.ok() && print.output().contains("state = running")) {
                        yield new ServiceState(platform, ServiceState.Kind.RUNNING, file.toString(), null);
                    }
                    yield new ServiceState(platform, ServiceState.Kind.STOPPED, print.ok() ? "loaded, not running"
                            : "not loaded", "launchctl kickstart -k " + launchdTarget());
                }
                case TASK_SCHEDULER -> {
                    Run query = runner.run(List.of("schtasks", "/Query", "/TN", ServiceFiles.TASK, "/FO", "CSV", "/NH"));
                    if (!query.ok()) {
                        yield new ServiceState(platform, ServiceState.Kind.NOT_INSTALLED, "", install);
                    }
                    if (query.output().contains("\"Running\"")) {
                        yield new ServiceState(platform, ServiceState.Kind.RUNNING, ServiceFiles.TASK, null);
                    }
                    yield new ServiceState(platform, ServiceState.Kind.STOPPED, ServiceFiles.TASK + ": "
                            + query.firstLine(), "schtasks /Run /TN " + ServiceFiles.TASK);
                }
            };
        } catch (IOException e) {
            return new ServiceState(platform, ServiceState.Kind.UNKNOWN, "cannot ask the service manager: " + e.getMessage(),
                    install);
        }
    }

    private Run run(List<String> lines, List<String> command) throws IOException {
        Run run = runner.run(command);
        lines.add("ran " + String.join(" ", command) + (run.ok() ? "" : " -> exit " + run.exit()
                + (run.firstLine().isEmpty() ? "" : ": " + run.firstLine())));
        return run;
    }

    private static List<String> systemctl(String... args) {
        List<String> command = new ArrayList<>(List.of("systemctl", "--user"));
        command.addAll(List.of(args));
        return command;
    }

    private String launchdDomain() {
        return "gui/" + uid();
    }

    private String launchdTarget() {
        return launchdDomain() + "/" + ServiceFiles.LABEL;
    }

    private String uid() {
        try {
            return String.valueOf(Files.getAttribute(userHome, "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return env.getOrDefault("UID", "501");
        }
    }

    private String windowsUser() {
        String user = env.getOrDefault("USERNAME", System.getProperty("user.name"));
        String domain = env.get("USERDOMAIN");
        return domain == null || domain.isEmpty() ? user : domain + "\\" + user;
    }

    private static byte[] utf16(String text) {
        ByteBuffer bytes = StandardCharsets.UTF_16LE.encode("\uFEFF" + text.replace("\n", "\r\n"));
        byte[] out = new byte[bytes.remaining()];
        bytes.get(out);
        return out;
    }

    /** Runs commands for real, each within 30 seconds (output through a file: a pipe could block a hung command's reader). */
    public static Runner processes() {
        return command -> {
            Path output = Files.createTempFile("bitweb-service", ".out");
            try {
                Process process;
                try {
                    process = new ProcessBuilder(command).redirectErrorStream(true)
                            .redirectOutput(output.toFile())
                            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File(
                                    System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("windows") ? "NUL" : "/dev/null")))
                            .start();
                } catch (IOException e) {
                    return new Run(-1, command.get(0) + " cannot be run: " + e.getMessage());
                }
                try {
                    if (!process.waitFor(30, TimeUnit.SECONDS)) {
                        process.destroyForcibly();
                        return new Run(-1, String.join(" ", command) + " did not finish in 30 s");
                    }
                } catch (InterruptedException e) {
                    process.destroyForcibly();
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while running " + command.get(0), e);
                }
                return new Run(process.exitValue(), new String(Files.readAllBytes(output), StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(output);
            }
        };
    }
}
