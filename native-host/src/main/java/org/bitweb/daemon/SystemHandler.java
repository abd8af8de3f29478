package org.bitweb.daemon;

import org.bitweb.Version;
import org.bitweb.engine.Engine;
import org.bitweb.messaging.Action;
import org.bitweb.messaging.Dispatcher;
import org.bitweb.messaging.ErrorCode;
import org.bitweb.messaging.Protocol;
import org.bitweb.messaging.ProtocolException;
import org.bitweb.messaging.Request;
import org.bitweb.messaging.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntSupplier;

/** The engine process and the desktop it runs on: {@code hello}, {@code status}, {@code folder.pick}. */
final class SystemHandler {
    private static final Logger log = LoggerFactory.getLogger(SystemHandler.class);
    private static final String PICK_TITLE = "Choose the folder to publish";

    private final Engine engine;
    private final IntSupplier clients;

    /** @param clients how many host processes and CLIs are connected now */
    SystemHandler(Engine engine, IntSupplier clients) {
        this.engine = engine;
        this.clients = clients;
    }

    void register(Dispatcher dispatcher) {
        dispatcher.add(Action.quick("hello", this::hello))
                .add(Action.quick("status", (request, session) -> status()))
                // a person picks in their own time; no dialog program is an answer, not a bug
                .add(Action.slow("folder.pick", (request, session) -> pickFolder()).whenIoFails(ErrorCode.NOT_FOUND));
    }

    private Object hello(Request request, Session session) throws ProtocolException {
        long clientProtocol = request.number("protocol", Protocol.VERSION);
        log.info("{}: hello from {} (protocol {})", session.name(), request.body().path("client").asText("?"), clientProtocol);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("protocol", Protocol.VERSION);
        data.put("version", Version.CURRENT);
        data.put("gateway", engine.gatewayAddress());
        data.put("gatewayPort", engine.gatewayPort());
        data.put("peerPort", engine.peerPort());
        return data;
    }

    private Map<String, Object> status() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("version", Version.CURRENT);
        data.put("protocol", Protocol.VERSION);
        data.put("gateway", engine.gatewayAddress());
        data.put("gatewayPort", engine.gatewayPort());
        data.put("peerPort", engine.peerPort());
        data.put("lanDiscovery", engine.lanDiscoveryRunning());
        data.put("reachability", engine.reachability());
        data.put("home", engine.stateDir().root().toString());
        data.put("pid", ProcessHandle.current().pid());
        data.put("clients", clients.getAsInt());
        data.put("sites", engine.sites());
        return data;
    }

    private Map<String, Object> pickFolder() throws IOException {
        FolderPicker.Result result = FolderPicker.pick(PICK_TITLE, FolderPicker.candidates(PICK_TITLE), System.getenv("PATH"));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("cancelled", result.cancelled());
        data.put("path", result.folder().map(Path::toString).orElse(null));
        return data;
    }
}
