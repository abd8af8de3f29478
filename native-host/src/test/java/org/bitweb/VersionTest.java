package org.bitweb;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The version Java reports is the root pom's, not a copy that can drift. */
class VersionTest {
    @Test
    void isTheRootPomsVersion() throws Exception {
        String pom = Files.readString(Path.of("..", "pom.xml"));
        // the project's own <version>, right after its artifactId (plugins have versions too)
        Matcher m = Pattern.compile("<artifactId>bitweb-parent</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
        assertTrue(m.find(), "the root pom names its version right after its artifactId");
        assertEquals(m.group(1), Version.CURRENT);
    }
}
