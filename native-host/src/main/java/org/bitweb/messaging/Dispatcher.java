package org.bitweb.messaging;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Maps action names to handlers. Built once, then read by every session. */
public final class Dispatcher {

    /** Handles one request; returns the reply's {@code data} (any Jackson-serializable value). */
    @FunctionalInterface
    public interface Handler {
        Object handle(Request request, Session session) throws Exception;
    }

    private final Map<String, Handler> handlers = new TreeMap<>();

    public Dispatcher on(String action, Handler handler) {
        if (handlers.putIfAbsent(action, handler) != null) {
            throw new IllegalArgumentException("two handlers for " + action);
        }
        return this;
    }

    Handler handler(String action) {
        return handlers.get(action);
    }

    public Set<String> actions() {
        return handlers.keySet();
    }
}
