package org.bitweb.cli;

import org.bitweb.engine.EngineLock;
import org.bitweb.engine.EngineOptions;
import org.bitweb.gateway.GatewayPort;
import org.bitweb.log.Logging;
import org.bitweb.store.StateDir;

import java.nio.file.Path;

/**
 * The engine a browser's bridge starts ({@link Bridge#engineCommand}): {@code bitweb --home DIR
 * serve --background}, the same run ({@link ServeCommand#background()}), without picocli reading
 * the command line. Building the command classes' model by reflection (their annotations, as
 * proxies, and the options' converters) took ~230 ms of that engine's start, the start the first
 * page of a browser waits for when no engine runs (docs/TUNING.md, "A visit that starts the
 * engine", item 10). The bridge passes the state folder and nothing else; people run
 * {@code bitweb serve}.
 */
public final class BackgroundEngine {
    private BackgroundEngine() {
    }

    public static void main(String[] argv) {
        Main.exit(run(argv, Streams.ofThisProcess()));
    }

    /** Runs the engine until it stops; its exit status, as {@code bitweb serve} would give it. */
    static int run(String[] argv, Streams streams) {
        if (argv.length != 2 || !argv[0].equals("--home")) {
            streams.err().println("usage: " + BackgroundEngine.class.getName()
                    + " --home DIR (the engine a browser's bridge starts; to run one yourself: bitweb serve)");
            return Outcome.USAGE.status;
        }
        firstActs(StateDir.resolve(argv[1], streams.env()), EngineOptions.DEFAULT_GATEWAY_PORT);
        ServeCommand serve = ServeCommand.background();
        BitwebCommand root = new BitwebCommand(streams);
        root.home = Path.of(argv[1]);
        try {
            return serve.serve(root, streams);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return report(e, streams);
        } catch (Exception e) {
            return report(e, streams);
        }
    }

    /**
     * The state folder's lock, then the gateway's port, before anything else: a page asked for
     * from now on waits for the engine instead of being refused. Nothing on this path may set up
     * logging (a class with a logger, {@link ServeCommand} or {@code Gateway}, touched first):
     * that took ~100 ms, in which the port was not there yet (docs/TUNING.md, "A visit that
     * starts the engine", item 13). The lock comes first: an engine that gives way to another
     * one starting (a service at login) must not hold the port that one is about to bind.
     * {@code port} is a compile-time constant, so naming {@link EngineOptions} loads nothing.
     *
     * @return whether the port now listens (if not, the start takes the lock or binds the port
     * again and says why it cannot)
     */
    static boolean firstActs(StateDir dir, int port) {
        return EngineLock.acquireFirst(dir) && GatewayPort.listenEarly(port);
    }

    /** One line on stderr (the bridge's engine.out) and the exit status, as Main's handler does; the log keeps the rest. */
    private static int report(Exception e, Streams streams) {
        Failures.Failure failure = Failures.of(e);
        Logging.fileOnly(BackgroundEngine.class).warn("serve --background failed: {}", failure.message(), e);
        return Failures.report(failure, "bitweb serve", false, streams.out(), streams.err());
    }
}
