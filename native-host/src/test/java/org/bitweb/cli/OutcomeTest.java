package org.bitweb.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** README's "Exit codes" table is the enum's, row for row. */
class OutcomeTest {
    @Test
    void theReadmeListsEveryExitCodeAsTheCodeDoes() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        int section = readme.indexOf("\n## Exit codes\n");
        assertTrue(section >= 0, "README.md has an 'Exit codes' section");
        List<String> rows = new ArrayList<>();
        for (String line : readme.substring(section).split("\n")) {
            if (line.matches("\\| \\d+ \\|.*")) {
                rows.add(line.replace("`", ""));
            } else if (!rows.isEmpty() && !line.startsWith("|")) {
                break;
            }
        }
        List<String> expected = new ArrayList<>();
        for (Outcome outcome : Outcome.values()) {
            expected.add("| " + outcome.status + " | " + outcome.code() + " | " + outcome.meaning + " |");
        }
        assertEquals(expected, rows);
    }

    @Test
    void statusesAreDistinctAndFitAnExitCode() {
        assertEquals(Outcome.values().length, java.util.Arrays.stream(Outcome.values()).mapToInt(o -> o.status).distinct().count());
        for (Outcome outcome : Outcome.values()) {
            assertTrue(outcome.status >= 0 && outcome.status <= 255, outcome.name());
        }
        assertEquals(0, Outcome.OK.status);
        assertEquals(2, Outcome.USAGE.status, "picocli's and the shell's convention for usage mistakes");
    }
}
