package org.bitweb.cli;

/**
 * Run in a child JVM by {@link BackgroundEngineTest}: the bridge's engine's first acts (the state
 * folder's lock, the gateway's port), then a logger, with markers between them in the JVM's
 * class-loading log.
 */
public final class FirstActProbe {
    private FirstActProbe() {
    }

    /** args: the state folder. */
    public static void main(String[] args) {
        boolean listening = BackgroundEngine.firstActs(new org.bitweb.store.StateDir(java.nio.file.Path.of(args[0])), 0);
        System.out.println("PROBE listening " + listening);
        System.out.flush();
        // what the start does next: the detector must see logging set up after the marker
        org.slf4j.LoggerFactory.getLogger(FirstActProbe.class).debug("probe");
        System.out.println("PROBE logged");
    }
}
