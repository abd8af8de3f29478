package org.bitweb.daemon;

import org.bitweb.engine.Engine;
import org.bitweb.messaging.Action;
import org.bitweb.messaging.Dispatcher;
import org.bitweb.log.Threads;
import org.bitweb.service.Service;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The engine as an always-on service: {@code engine.stop} (a clean shutdown, for {@code bitweb
 * stop}) and {@code service.status} (whether the per-user service is installed and runs, how this
 * engine was started, and whether peers outside can reach it: for {@code bitweb doctor} and the popup).
 */
final class ServiceHandler {
    private static final Logger log = LoggerFactory.getLogger(ServiceHandler.class);

    private final Engine engine;
    private final Runnable stop;
    private final String startedBy;
    private final Service service;

    /**
     * @param stop      closes the daemon (not on a request thread: closing waits for those)
     * @param startedBy "systemd", "launchd", "task" (BITWEB_SERVICE, set by the service
     *                  definitions), "browser" or "command line"
     */
    ServiceHandler(Engine engine, Runnable stop, String startedBy, Service service) {
        this.engine = engine;
        this.stop = stop;
        this.startedBy = startedBy;
        this.service = service;
    }

    void register(Dispatcher dispatcher) {
        dispatcher.add(Action.quick("engine.stop", (request, session) -> {
            log.info("{} asked the engine to stop", session.name());
            // the reply leaves first; then the daemon closes on a thread of its own (closing waits for request threads)
            CompletableFuture.runAsync(stop, CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS,
                    runnable -> Threads.thread("stop", false, runnable).start()));
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("stopping", true);
            data.put("pid", ProcessHandle.current().pid());
            return data;
        })).add(Action.slow("service.status", (request, session) -> {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("service", service.state(engine.stateDir().root()));
            data.put("startedBy", startedBy);
            data.put("reachability", engine.reachability());
            return data;
        }));
    }
}
