package org.bitweb.site;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Published copies are marked read-only on disk, so that another program (or a user in a file
 * manager) does not edit a file that several versions of a site share. BitWeb itself never writes
 * them ({@link PublishedFiles}); this is a guard for everyone else, and it does not bind root.
 */
final class ReadOnly {
    private static final Logger log = LoggerFactory.getLogger(ReadOnly.class);

    private ReadOnly() {
    }

    /** Takes the write permission off every regular file under {@code root}. */
    static void mark(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path file : (Iterable<Path>) walk::iterator) {
                if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && !file.toFile().setWritable(false, false)) {
                    log.debug("cannot mark {} read-only", file);
                }
            }
        }
    }
}
