package org.bitweb.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.bitweb.messaging.EngineClient;
import org.bitweb.messaging.ProtocolException;
import org.bitweb.store.StateDir;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** {@code bitweb stop}: a clean shutdown of the running engine, through the protocol's {@code engine.stop}. */
@Command(name = "stop",
        header = "Stop the running engine cleanly (sites stop seeding until it runs again).",
        description = {
            "Waits until the engine has exited. A service started it? It stays stopped until the next login "
                    + "('bitweb service install' runs it again now). No engine running is not an error."},
        footerHeading = "%nExamples:%n",
        footer = {"  bitweb stop"})
final class StopCommand extends Subcommand {
    /** How long an engine may take to close its sites, DHT node and port mappings. */
    static final long STOP_SECONDS = 60;

    @Override
    public Integer call() {
        StateDir dir = open();
        Optional<Long> pid = stopRunning(dir, io());
        out().println(pid.map(p -> "the engine (pid " + p + ") stopped").orElse("no engine runs for " + dir.root()));
        return Outcome.OK.status;
    }

    /**
     * Asks the engine of {@code dir} to stop and waits until its process is gone.
     *
     * @return the stopped engine's pid, or empty when none ran
     */
    static Optional<Long> stopRunning(StateDir dir, Streams io) {
        long pid;
        try (EngineClient client = EngineClient.connect(dir.socket())) {
            JsonNode status = client.request("status", null);
            pid = status.path("pid").asLong();
            try {
                client.request("engine.stop", null);
            } catch (IOException closedWhileAnswering) {
                // it may close the socket as it goes: the wait below tells
            }
        } catch (IOException noEngine) {
            return Optional.empty();
        } catch (ProtocolException e) {
            throw new CliException(Outcome.ENGINE, "the engine refused to stop: " + e.getMessage());
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isPresent()) {
            try {
                process.get().onExit().get(STOP_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new CliException(Outcome.ENGINE, "the engine (pid " + pid + ") did not stop within " + STOP_SECONDS
                        + " s; see " + dir.logs() + ", or end it: kill " + pid);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException(Outcome.INTERRUPTED, "interrupted while the engine stops");
            } catch (ExecutionException e) {
                throw new IllegalStateException(e);
            }
        }
        return Optional.of(pid);
    }
}
