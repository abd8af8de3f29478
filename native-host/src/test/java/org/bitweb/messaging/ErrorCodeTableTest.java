package org.bitweb.messaging;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ErrorCode} is the one source of the protocol's error codes. docs/PROTOCOL.md's table
 * must say the same, code, name and meaning; when it differs this test fails and names the
 * command that rewrites the table from the enum:
 *
 * <pre>mvn -B -o -q test -Dtest=ErrorCodeTableTest -Dbitweb.regenerate=true</pre>
 *
 * (The extension's copy, extension/src/error-codes.js, is checked against the enum's source by
 * extension/test/error-codes.test.js.)
 */
class ErrorCodeTableTest {
    static final String REGENERATE = "mvn -B -o -q test -Dtest=ErrorCodeTableTest -Dbitweb.regenerate=true";
    static final String TABLE_HEADER = "| code | name | meaning |";
    static final String TABLE_RULE = "| --- | --- | --- |";

    /** The repository's root: surefire runs in native-host/, but look up rather than assume. */
    static Path root() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("docs/PROTOCOL.md"))) {
                return dir;
            }
        }
        throw new AssertionError("no docs/PROTOCOL.md above " + Path.of("").toAbsolutePath());
    }

    static boolean regenerate() {
        return Boolean.getBoolean("bitweb.regenerate");
    }

    /** The table's rows as the enum says them. */
    static List<String> rowsFromEnum() {
        List<String> rows = new ArrayList<>();
        for (ErrorCode code : ErrorCode.values()) {
            rows.add("| " + code.code() + " | " + code.name() + " | " + code.meaning() + " |");
        }
        return rows;
    }

    @Test
    void theCodesAreUniqueAndAppendOnlyFromOne() {
        Set<Integer> seen = new HashSet<>();
        int expected = 1;
        for (ErrorCode code : ErrorCode.values()) {
            assertEquals(expected++, code.code(), code + ": codes are numbered 1, 2, 3... in the order they were added");
            assertTrue(seen.add(code.code()));
            assertFalse(code.meaning().contains("|") || code.meaning().contains("\n"),
                    code + ": a meaning must fit in one Markdown table cell");
        }
    }

    @Test
    void theProtocolDocumentsTableIsTheEnum() throws IOException {
        Path doc = root().resolve("docs/PROTOCOL.md");
        List<String> lines = Files.readAllLines(doc, StandardCharsets.UTF_8);
        int header = lines.indexOf(TABLE_HEADER);
        assertTrue(header >= 0 && lines.get(header + 1).equals(TABLE_RULE),
                doc + " needs the error table, headed exactly: " + TABLE_HEADER);
        int end = header + 2;
        while (end < lines.size() && lines.get(end).startsWith("|")) {
            end++;
        }
        List<String> documented = lines.subList(header + 2, end);
        if (regenerate()) {
            List<String> rewritten = new ArrayList<>(lines.subList(0, header + 2));
            rewritten.addAll(rowsFromEnum());
            rewritten.addAll(lines.subList(end, lines.size()));
            Files.write(doc, rewritten, StandardCharsets.UTF_8);
            return;
        }
        assertEquals(String.join("\n", rowsFromEnum()), String.join("\n", documented),
                "docs/PROTOCOL.md's error table differs from messaging.ErrorCode (the source); rewrite it with: " + REGENERATE);
    }
}
