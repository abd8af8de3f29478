package org.bitweb;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * BitWeb's version: the root pom's {@code <version>}, which Maven writes into
 * {@code org/bitweb/version.properties} at build time. The one place Java reads it from.
 */
public final class Version {
    /** e.g. {@code 0.3.0} */
    public static final String CURRENT = read();

    private Version() {
    }

    private static String read() {
        Properties properties = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                throw new IllegalStateException("org/bitweb/version.properties is missing from the build");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String version = properties.getProperty("version", "");
        // an unfiltered resource (a build that skipped Maven's resources step) must not pass as a version
        if (!version.matches("\\d+\\.\\d+\\.\\d+([-.+][0-9A-Za-z.-]+)?")) {
            throw new IllegalStateException("org/bitweb/version.properties holds no version: '" + version + "'");
        }
        return version;
    }
}
