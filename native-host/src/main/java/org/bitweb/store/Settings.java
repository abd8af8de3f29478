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
 * @param socks5Proxy       "host:port" of a SOCKS5 proxy for all peer traffic (a local Tor:
 *                          "127.0.0.1:9050"), or null; takes effect when the engine next starts
 * @param lanDiscovery      local peer discovery (BEP 14): announce the sites this engine shares to
 *                          the LAN and use peers heard there; true when absent (a settings file
 *                          older than the setting), off anyway with a SOCKS5 proxy; takes effect at once
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Settings(boolean keepSeeding, long storageLimitBytes, String socks5Proxy, Boolean lanDiscovery) {
    public static final Settings DEFAULTS = new Settings(true, 0, null, true);

    public Settings(boolean keepSeeding, long storageLimitBytes) {
        this(keepSeeding, storageLimitBytes, null, true);
    }

    public Settings {
        if (lanDiscovery == null) {
            lanDiscovery = true;
        }
        if (socks5Proxy != null && !socks5Proxy.isBlank()) {
            org.bitweb.address.SiteLink.peer(socks5Proxy); // "IP:port", refused with a clear message otherwise
        } else {
            socks5Proxy = null;
        }
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
