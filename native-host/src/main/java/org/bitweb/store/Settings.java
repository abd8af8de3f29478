package org.bitweb.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.bitweb.messaging.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;

/**
 * The user's choices ({@code settings.json}).
 *
 * @param keepSeeding       keep the engine running, and seeding, when the last browser closes
 * @param storageLimitBytes most bytes visited (not published) sites may take; 0 for no limit
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Settings(boolean keepSeeding, long storageLimitBytes) {
    public static final Settings DEFAULTS = new Settings(true, 0);

    public Settings {
        if (storageLimitBytes < 0) {
            throw new IllegalArgumentException("storageLimitBytes must be 0 (no limit) or more, not " + storageLimitBytes);
        }
    }

    public static Settings load(StateDir dir) throws IOException {
        try {
            return Json.MAPPER.readValue(Files.readAllBytes(dir.settings()), Settings.class);
        } catch (NoSuchFileException e) {
            return DEFAULTS;
        } catch (IOException e) {
            throw new IOException("the settings file " + dir.settings() + " is unreadable (" + e.getMessage()
                    + "); fix it or delete it to get the defaults", e);
        }
    }

    public void save(StateDir dir) throws IOException {
        AtomicFiles.write(dir.settings(), Json.pretty(this).getBytes(StandardCharsets.UTF_8));
    }
}
