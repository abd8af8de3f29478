package org.bitweb.cli;

/**
 * Run in a child JVM by {@link BackgroundEngineTest}: the bridge's engine's first act, then a
 * logger, with markers between them in the JVM's class-loading log.
 */
public final class FirstActProbe {
    private FirstActProbe() {
    }

    public static void main(String[] args) {
        boolean listening = BackgroundEngine.listenFirst(0);
        System.out.println("PROBE listening " + listening);
        System.out.flush();
        // what the start does next: the detector must see logging set up after the marker
        org.slf4j.LoggerFactory.getLogger(FirstActProbe.class).debug("probe");
        System.out.println("PROBE logged");
    }
}
