package org.bitweb.cli;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How a command ends: its exit status and, under {@code --json}, the code of its error object.
 * The one table of BitWeb's exit codes: the usage help and man page print it, and README's "Exit
 * codes" section lists the same rows (a test compares them).
 */
enum Outcome {
    OK(0, "done"),
    ERROR(1, "failed; the message says why and what to do (also: doctor found a problem)"),
    USAGE(2, "the command line is wrong: an unknown command or option, a missing or bad value"),
    ENGINE(3, "an engine is in the way or away: another one runs or is starting for this state folder, "
            + "or it stopped answering"),
    TIMEOUT(4, "nothing came in time: no peer sent the site within --timeout"),
    INTERRUPTED(130, "interrupted (Ctrl-C) before it finished; what was half done is left as it was before");

    final int status;
    final String meaning;

    Outcome(int status, String meaning) {
        this.status = status;
        this.meaning = meaning;
    }

    /** The code in {@code {"error": {"code": ...}}}: the name, e.g. "TIMEOUT". */
    String code() {
        return name();
    }

    /** Rows for picocli's exit code list: status -> meaning. */
    static Map<String, String> usageTable() {
        Map<String, String> rows = new LinkedHashMap<>();
        for (Outcome outcome : values()) {
            rows.put(String.format(Locale.ROOT, "%4d", outcome.status), outcome.meaning);
        }
        return rows;
    }
}
