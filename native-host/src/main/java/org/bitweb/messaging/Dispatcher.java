package org.bitweb.messaging;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Maps action names to {@link Action}s. Built once, then read by every session. */
public final class Dispatcher {
    private final Map<String, Action> actions = new TreeMap<>();

    public Dispatcher add(Action action) {
        if (actions.putIfAbsent(action.name(), action) != null) {
            throw new IllegalArgumentException("two handlers for " + action.name());
        }
        return this;
    }

    /** A slow action with the default error mapping: when in doubt, an action must not hold up quick ones. */
    public Dispatcher on(String action, Action.Handler handler) {
        return add(Action.slow(action, handler));
    }

    Action action(String name) {
        return actions.get(name);
    }

    public Set<String> actions() {
        return actions.keySet();
    }
}
