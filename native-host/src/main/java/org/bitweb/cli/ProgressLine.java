package org.bitweb.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress of long work on stderr: a line redrawn in place on a terminal, a few plain lines
 * otherwise (logs and CI output stay readable). Small jobs print nothing.
 */
final class ProgressLine {
    private static final long SHOW_ABOVE = 16L * 1024 * 1024;
    private final PrintStream err;
    private final String label;
    private final boolean terminal = System.console() != null;
    private long lastPrint;
    private int lastPercent = -1;
    private boolean shown;

    ProgressLine(PrintStream err, String label) {
        this.err = err;
        this.label = label;
    }

    synchronized void update(long done, long total) {
        if (total < SHOW_ABOVE) {
            return;
        }
        int percent = (int) (done * 100 / total);
        long now = System.nanoTime();
        if (terminal) {
            if (percent != lastPercent && now - lastPrint > 100_000_000L) {
                err.printf(Locale.ROOT, "\r%s: %3d%% (%s of %s)", label, percent, Format.bytes(done), Format.bytes(total));
                lastPrint = now;
                lastPercent = percent;
                shown = true;
            }
        } else if (percent / 25 != lastPercent / 25) {
            err.printf(Locale.ROOT, "%s: %d%%%n", label, percent);
            lastPercent = percent;
        }
    }

    synchronized void finish() {
        if (terminal && shown) {
            err.println();
        }
    }
}
