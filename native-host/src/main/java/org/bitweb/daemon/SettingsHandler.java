package org.bitweb.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import org.bitweb.engine.Engine;
import org.bitweb.messaging.Action;
import org.bitweb.messaging.Dispatcher;
import org.bitweb.messaging.ErrorCode;
import org.bitweb.messaging.ProtocolException;
import org.bitweb.messaging.Request;
import org.bitweb.messaging.Session;
import org.bitweb.site.StorageLimit;
import org.bitweb.store.RateLimits;
import org.bitweb.store.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * The user's settings: {@code settings.get}, {@code settings.set}. Holds the settings in force and
 * applies them to the engine, at start and on every change.
 */
final class SettingsHandler {
    private static final Logger log = LoggerFactory.getLogger(SettingsHandler.class);

    private final Engine engine;
    /** LAN discovery may run (not switched off for this run by --no-lan or BITWEB_LAN=off); the setting decides. */
    private final boolean lanAllowed;
    private volatile Settings current;

    SettingsHandler(Engine engine, Settings initial, boolean lanAllowed) {
        this.engine = engine;
        this.current = initial;
        this.lanAllowed = lanAllowed;
    }

    void register(Dispatcher dispatcher) {
        dispatcher.add(Action.quick("settings.get", (request, session) -> reply(current)))
                // a value Settings refuses (a negative limit, a grace out of range) is the user's to fix
                .add(Action.slow("settings.set", this::set).whenRefused(ErrorCode.BAD_SETTING));
    }

    Settings current() {
        return current;
    }

    /** The settings, and the storage limit in force now (the automatic one follows the free space). */
    private java.util.Map<String, Object> reply(Settings settings) {
        java.util.Map<String, Object> data = org.bitweb.json.Json.MAPPER.convertValue(settings,
                new com.fasterxml.jackson.core.type.TypeReference<java.util.LinkedHashMap<String, Object>>() { });
        data.put("storageLimitInForceBytes", engine.storageLimitInForce());
        return data;
    }

    /** Sets the engine's rate limits for all sites, saved as the setting (bitweb serve --upload-limit ...). */
    synchronized Settings rateLimits(RateLimits limits) throws IOException {
        Settings next = current.withRateLimits(limits);
        next.save(engine.stateDir());
        current = next;
        applyToEngine();
        log.info("rate limits set: {}", limits);
        return next;
    }

    /** Applies the settings that take effect at once and not only at start (LAN discovery is set at start). */
    void applyToEngine() {
        engine.storageLimit(current.storageLimitAuto() ? StorageLimit.AUTO : current.storageLimitBytes());
        engine.keySites().oldVersionGrace(current.oldVersionGrace());
        engine.rateLimits(current);
    }

    /**
     * The engine's limits after a request: {@code ratePreset} ("slow-link", "none") first, then
     * either field of {@code rateLimits}; what the request does not name stays.
     */
    private static RateLimits rateLimits(Request request, Settings before) throws ProtocolException {
        RateLimits limits = request.has("ratePreset") ? RateLimits.preset(request.text("ratePreset")) : before.rateLimits();
        return request.has("rateLimits") ? limits(request.body().get("rateLimits"), limits, "rateLimits") : limits;
    }

    /** {@code {uploadBytesPerSecond, downloadBytesPerSecond}}, either one, over {@code base}. */
    private static RateLimits limits(JsonNode json, RateLimits base, String field) throws ProtocolException {
        if (json == null || !json.isObject()) {
            throw new ProtocolException(ErrorCode.BAD_SETTING, field + " must be {\"uploadBytesPerSecond\": n, \"downloadBytesPerSecond\": n}");
        }
        return new RateLimits(rate(json, "uploadBytesPerSecond", base.uploadBytesPerSecond(), field),
                rate(json, "downloadBytesPerSecond", base.downloadBytesPerSecond(), field));
    }

    private static long rate(JsonNode json, String name, long fallback, String field) throws ProtocolException {
        JsonNode value = json.get(name);
        if (value == null) {
            return fallback;
        }
        if (!value.canConvertToLong() || !value.isIntegralNumber()) {
            throw new ProtocolException(ErrorCode.BAD_SETTING, field + "." + name + " must be a whole number of bytes per second (0: no limit)");
        }
        return value.asLong();
    }

    /** Takes any subset of the settings; a refused value changes nothing. */
    private synchronized Object set(Request request, Session session) throws Exception {
        Settings before = current;
        // a limit set by hand ends the automatic one, unless the same request says otherwise
        boolean auto = request.has("storageLimitAuto") ? request.flag("storageLimitAuto")
                : !request.has("storageLimitBytes") && before.storageLimitAuto();
        Settings next = new Settings(
                request.has("keepSeeding") ? request.flag("keepSeeding") : before.keepSeeding(),
                request.has("storageLimitBytes") ? request.number("storageLimitBytes", 0) : before.storageLimitBytes(),
                request.has("socks5Proxy") ? request.optionalText("socks5Proxy") : before.socks5Proxy(),
                request.has("lanDiscovery") ? request.flag("lanDiscovery") : before.lanDiscovery(),
                Settings.checkGraceHours(request.has("oldVersionGraceHours")
                        ? request.number("oldVersionGraceHours", 0) : before.oldVersionGraceHours()),
                auto, rateLimits(request, before), before.siteRateLimits());
        if (request.has("siteRateLimits")) {
            for (var site : (Iterable<java.util.Map.Entry<String, JsonNode>>) request.body().get("siteRateLimits")::fields) {
                next = next.withSiteRateLimits(site.getKey(), limits(site.getValue(), RateLimits.NONE, "siteRateLimits." + site.getKey()));
            }
        }
        next.save(engine.stateDir());
        current = next;
        applyToEngine();
        if (!next.lanDiscovery().equals(before.lanDiscovery())) {
            engine.lanDiscovery(lanAllowed && next.lanDiscovery());
        }
        log.info("settings changed: {}", next);
        return reply(next);
    }
}
