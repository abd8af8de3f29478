package org.bitweb.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bitweb.engine.EngineJvm;
import org.bitweb.engine.EngineOptions;
import org.bitweb.gateway.Gateway;
import org.bitweb.gateway.GatewayPort;
import org.bitweb.gateway.GatewayWarmUp;
import org.bitweb.messaging.Envelope;
import org.bitweb.messaging.ErrorCode;
import org.bitweb.messaging.FrameException;
import org.bitweb.messaging.Frames;
import org.bitweb.json.Json;
import org.bitweb.store.StateDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import org.bitweb.messaging.ChannelStreams;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The process the browser starts. It does no work of its own: it connects to the user's engine
 * (starting one in the background if none runs) and relays frames byte for byte between the
 * browser's stdio and the engine's control socket, so downloads and seeding outlive the browser's
 * restarts of this process. If no engine can be had, it answers every request with an error that
 * says what to do instead of leaving the extension hanging.
 */
final class Bridge {
    private static final Logger log = LoggerFactory.getLogger(Bridge.class);

    /**
     * The JVM options the installed host launcher gives this process (installer/install.sh's
     * HOST_JVM, install.ps1's $HostJvm; BridgeJvmTest holds them equal). A relay of small frames
     * needs neither C2's peak speed nor a heap sized from the machine's memory: C1 alone, the
     * serial collector and a 64 MB cap answer the extension's first message sooner and leave
     * the CPU to an engine starting beside it on a small machine (bench/run.sh bridge).
     * <p>Stdout is the browser's channel, and the JVM writes its own messages there: its warnings
     * (unified logging's default output) and its errors, such as "Error occurred during
     * initialization of VM" when the class-data archive the launcher asked for
     * ({@link LauncherArchive}) cannot be written as it exits. All of them go to stderr, and the
     * archive's own warnings (an archive from another Java; classes it cannot hold) nowhere.
     * ({@code -Xlog:all=off} silences stdout only, so that a log file asked for in
     * {@code JDK_JAVA_OPTIONS} still works.)
     */
    static final List<String> JVM = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx64m", "-XX:-UsePerfData",
            "-XX:+DisplayVMOutputToStderr", "-Xlog:all=off", "-Xlog:all=warning,cds=off,cds+dynamic=off:stderr");
    private static final long ENGINE_START_TIMEOUT_MS = 30_000;
    static final long ENGINE_POLL_MS = 10;

    /** The engine {@link #startEngineEarly} started for this state folder, if it did. */
    private static volatile Launched early;

    /**
     * An engine this bridge started: its process, its command, and whether the gateway's port was
     * free when it was launched (only then can a listening port be this engine's).
     */
    private record Launched(StateDir dir, Process process, List<String> command, boolean portWasFree) {
    }

    /** The event that says the engine being started listens on its gateway's port (docs/PROTOCOL.md). */
    static final String STARTING_EVENT = "engine.starting";

    private final StateDir dir;
    private final InputStream in;
    private final OutputStream out;

    Bridge(StateDir dir, InputStream in, OutputStream out) {
        this.dir = dir;
        this.in = in;
        this.out = out;
    }

    /** Relays until the browser closes stdin (the launcher's archive is checked as the state folder opens; Main waits for it). */
    int run() {
        SocketChannel channel;
        try {
            channel = connectOrStart();
        } catch (IOException e) {
            log.error("no engine: {}", e.getMessage());
            return answerWithoutEngine(e.getMessage());
        }
        log.info("bridging browser to engine at {}", dir.socket());
        InputStream fromEngine = ChannelStreams.in(channel);
        OutputStream toEngine = ChannelStreams.out(channel);
        Thread upstream = new Thread(() -> {
            try {
                in.transferTo(toEngine);
            } catch (IOException e) {
                log.debug("browser to engine: {}", e.toString());
            }
            // The browser closed our stdin: it is done with us.
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }, "bridge-up");
        upstream.setDaemon(true);
        upstream.start();
        try {
            fromEngine.transferTo(out);
            out.flush();
        } catch (IOException e) {
            log.debug("engine to browser: {}", e.toString());
        }
        log.info("bridge closed");
        return 0;
    }

    private SocketChannel connectOrStart() throws IOException {
        try {
            return connect(dir.socket());
        } catch (IOException first) {
            log.info("no engine at {} ({}); starting one", dir.socket(), first.getMessage());
        }
        Launched begun = early;
        if (begun != null && begun.dir().root().equals(dir.root())) {
            log.info("started the engine as the bridge began: {}", begun.command());
        } else {
            begun = startEngine();
        }
        Process process = begun.process();
        // Told once, when the engine's gateway port listens (~0.2 s after its launch, where the
        // engine is up after ~1 s): a page the extension holds can be asked for again then and
        // wait for the engine, not for the hello's answer (docs/TUNING.md, "A visit that starts
        // the engine", item 14). Not if something else held the port before the launch.
        boolean toTell = begun.portWasFree();
        long deadline = System.currentTimeMillis() + ENGINE_START_TIMEOUT_MS;
        IOException last = null;
        boolean exitNoted = false;
        while (System.currentTimeMillis() < deadline) {
            try {
                return connect(dir.socket());
            } catch (IOException e) {
                last = e;
            }
            if (toTell && gatewayListens(EngineOptions.DEFAULT_GATEWAY_PORT)) {
                toTell = false;
                tellGatewayListens(EngineOptions.DEFAULT_GATEWAY_PORT);
            }
            if (!exitNoted && !process.isAlive() && process.exitValue() != 0) {
                // It may have lost a race with another engine that is starting: keep trying to connect.
                log.info("engine process exited with {}", process.exitValue());
                exitNoted = true;
            }
            try {
                // polling a socket that appears when the engine is ready, bounded by the deadline:
                // a connect attempt costs microseconds, and each poll's gap is on the path of the
                // first page a browser shows while the engine starts (100 ms gaps lost ~50 ms)
                Thread.sleep(ENGINE_POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new IOException("the BitWeb engine did not start within " + ENGINE_START_TIMEOUT_MS / 1000
                + " s (" + (last == null ? "?" : last.getMessage()) + "); see " + dir.logs().resolve("bitweb.log")
                + " or run 'bitweb serve' in a terminal to see why");
    }

    static SocketChannel connect(Path socket) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
            return channel;
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * What the browser's launch of the bridge ({@code bitweb host ...}) does first, before the
     * command line and logging are set up: when no engine answers on the state folder's socket,
     * it starts one at once, so that the engine's start (the longest wait of a browser's first
     * page) runs beside the bridge's own, not after it. Logs nothing (logging is not set up
     * yet); {@link #connectOrStart} uses the process and says so. Any failure is left to the
     * bridge, which tries again as it always did.
     */
    static void startEngineEarly(Map<String, String> env) {
        try {
            StateDir dir = StateDir.resolve(null, env);
            try (SocketChannel running = connect(dir.socket())) {
                return; // an engine answers: nothing to start
            } catch (IOException none) {
                // no socket, or one left by an engine that is gone: start one
            }
            dir.create();
            List<String> command = engineCommand(dir);
            early = launchEngine(dir, command);
        } catch (IOException | RuntimeException e) {
            // the bridge starts the engine itself, and logs why if it cannot
        }
    }

    /** Starts {@code bitweb serve --background} ({@link BackgroundEngine}) detached from this process (and from the browser). */
    private Launched startEngine() throws IOException {
        List<String> command = engineCommand(dir);
        log.info("starting engine: {}", command);
        return launchEngine(dir, command);
    }

    /** Launches the engine, noting first whether the gateway's port was free. */
    private static Launched launchEngine(StateDir dir, List<String> command) throws IOException {
        boolean portWasFree = !gatewayListens(EngineOptions.DEFAULT_GATEWAY_PORT);
        return new Launched(dir, launch(dir, command), command, portWasFree);
    }

    /**
     * Whether something accepts connections on the gateway's loopback port now. On loopback a
     * closed port refuses at once and a listening one completes the handshake from its accept
     * queue, before anyone accepts; the probe closes at once (the engine reads an empty
     * connection once it serves).
     */
    static boolean gatewayListens(int port) {
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress(Gateway.LOOPBACK, port), PROBE_TIMEOUT_MS);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static final int PROBE_TIMEOUT_MS = 200;

    /**
     * Tells the extension, before the relay begins (so before the hello's answer), that the
     * engine being started listens on its gateway's port: {@value #STARTING_EVENT}, with the
     * gateway as the hello's answer gives it. A failure to write is the relay's to find.
     */
    void tellGatewayListens(int port) {
        ObjectNode data = Json.object();
        data.put("gateway", GatewayPort.address(port));
        data.put("gatewayPort", port);
        try {
            Frames.write(out, Json.bytes(Envelope.event(STARTING_EVENT, data)));
            out.flush();
            log.info("the engine's gateway listens on port {}; told the browser", port);
        } catch (IOException e) {
            log.debug("could not tell the browser that the gateway listens: {}", e.toString());
        }
    }

    /** The command that starts an engine for this browser; package-private for its test. */
    static List<String> engineCommand(StateDir dir) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        // The shaded jar holds everything; classes in a build folder need their dependencies too.
        String jar = installedJar().map(Path::toString).orElseGet(() -> System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            command.add("/usr/bin/setsid"); // its own session: the browser killing our group must not kill the engine
        }
        command.add(java);
        command.addAll(EngineJvm.options(dir, jar)); // heap cap, class-data sharing
        // No gateway warm-up (~2.5 s of CPU just after ready): the browser that starts this engine
        // is starting beside it and has its first page to show (docs/TUNING.md, "A visit that
        // starts the engine" item 8); an engine run as a service or by hand keeps it.
        command.add("-D" + GatewayWarmUp.PROPERTY + "=false");
        // bitweb serve --background, without the command line's ~230 ms (BackgroundEngine)
        command.addAll(List.of("-cp", jar, BackgroundEngine.class.getName(), "--home", dir.root().toString()));
        return command;
    }

    /** The shaded jar this process runs from; empty when it runs from a build's folder of classes. */
    static java.util.Optional<Path> installedJar() {
        try {
            File codeSource = new File(Bridge.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return codeSource.isFile() ? java.util.Optional.of(codeSource.toPath()) : java.util.Optional.empty();
        } catch (java.net.URISyntaxException | RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    private static Process launch(StateDir dir, List<String> command) throws IOException {
        Files.createDirectories(dir.logs());
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.logs().resolve("engine.out").toFile()))
                .redirectErrorStream(true);
        return builder.start();
    }

    /** Without an engine: every request gets ENGINE_UNAVAILABLE with the reason, until the browser hangs up. */
    private int answerWithoutEngine(String reason) {
        try {
            while (true) {
                byte[] frame;
                try {
                    frame = Frames.read(in, Frames.DEFAULT_MAX_INCOMING);
                } catch (FrameException e) {
                    return 1;
                }
                if (frame == null) {
                    return 0;
                }
                JsonNode request;
                try {
                    request = Json.MAPPER.readTree(frame);
                } catch (IOException e) {
                    request = Json.object();
                }
                ObjectNode reply = Envelope.error(Envelope.idOf(request), Envelope.actionOf(request),
                        ErrorCode.ENGINE_UNAVAILABLE, reason);
                Frames.write(out, Json.bytes(reply));
            }
        } catch (IOException e) {
            return 1;
        }
    }
}
