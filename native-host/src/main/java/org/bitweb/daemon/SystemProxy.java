package org.bitweb.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The desktop's proxy settings, for the Chrome extension: Chrome has one proxy setting for all
 * traffic, so when BitWeb installs its PAC script it must carry the user's own proxy over instead
 * of silently replacing "system settings" with DIRECT. Read from GNOME's settings where they
 * exist, else from the usual environment variables.
 */
final class SystemProxy {
    private SystemProxy() {
    }

    /** @param gsettings runs {@code gsettings get SCHEMA KEY}; returns null when unavailable */
    static Map<String, Object> read(Map<String, String> env, Function<String[], String> gsettings) {
        Map<String, Object> gnome = fromGnome(gsettings);
        return gnome != null ? gnome : fromEnvironment(env);
    }

    static Map<String, Object> fromEnvironment(Map<String, String> env) {
        Map<String, Object> out = new LinkedHashMap<>();
        String http = first(env, "http_proxy", "HTTP_PROXY");
        String https = first(env, "https_proxy", "HTTPS_PROXY");
        String socks = first(env, "all_proxy", "ALL_PROXY");
        out.put("mode", http == null && https == null && socks == null ? "direct" : "fixed");
        out.put("http", hostPort(http));
        out.put("https", hostPort(https));
        out.put("socks", hostPort(socks));
        out.put("bypass", list(first(env, "no_proxy", "NO_PROXY")));
        out.put("pacUrl", null);
        out.put("source", "environment");
        return out;
    }

    static Map<String, Object> fromGnome(Function<String[], String> gsettings) {
        String mode = unquote(gsettings.apply(new String[] {"org.gnome.system.proxy", "mode"}));
        if (mode == null) {
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        switch (mode) {
            case "manual" -> {
                out.put("mode", "fixed");
                out.put("http", gnomeHost(gsettings, "http"));
                out.put("https", gnomeHost(gsettings, "https"));
                out.put("socks", gnomeHost(gsettings, "socks"));
                out.put("bypass", gnomeList(gsettings.apply(new String[] {"org.gnome.system.proxy", "ignore-hosts"})));
                out.put("pacUrl", null);
            }
            case "auto" -> {
                String pac = unquote(gsettings.apply(new String[] {"org.gnome.system.proxy", "autoconfig-url"}));
                out.put("mode", pac == null || pac.isEmpty() ? "auto" : "pac");
                out.put("http", null);
                out.put("https", null);
                out.put("socks", null);
                out.put("bypass", List.of());
                out.put("pacUrl", pac == null || pac.isEmpty() ? null : pac);
            }
            default -> {
                out.put("mode", "direct");
                out.put("http", null);
                out.put("https", null);
                out.put("socks", null);
                out.put("bypass", List.of());
                out.put("pacUrl", null);
            }
        }
        out.put("source", "gnome");
        return out;
    }

    private static String gnomeHost(Function<String[], String> gsettings, String kind) {
        String host = unquote(gsettings.apply(new String[] {"org.gnome.system.proxy." + kind, "host"}));
        String port = gsettings.apply(new String[] {"org.gnome.system.proxy." + kind, "port"});
        if (host == null || host.isEmpty() || port == null || port.trim().equals("0")) {
            return null;
        }
        return host + ":" + port.trim();
    }

    private static List<String> gnomeList(String value) {
        List<String> out = new ArrayList<>();
        if (value == null) {
            return out;
        }
        String inner = value.trim().replaceFirst("^@as ", "");
        if (inner.startsWith("[") && inner.endsWith("]")) {
            for (String item : inner.substring(1, inner.length() - 1).split(",")) {
                String u = unquote(item.trim());
                if (u != null && !u.isEmpty()) {
                    out.add(u);
                }
            }
        }
        return out;
    }

    /** "http://user@host:3128/" -> "host:3128"; null stays null. */
    static String hostPort(String url) {
        if (url == null || url.isBlank()) {
            return null;
        }
        String s = url.trim().replaceFirst("^[a-zA-Z0-9+.-]+://", "");
        int at = s.lastIndexOf('@');
        if (at >= 0) {
            s = s.substring(at + 1);
        }
        int slash = s.indexOf('/');
        return slash >= 0 ? s.substring(0, slash) : s;
    }

    private static List<String> list(String value) {
        List<String> out = new ArrayList<>();
        if (value != null) {
            for (String item : value.split(",")) {
                if (!item.isBlank()) {
                    out.add(item.trim());
                }
            }
        }
        return out;
    }

    private static String first(Map<String, String> env, String... names) {
        for (String name : names) {
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return null;
    }

    private static String unquote(String value) {
        if (value == null) {
            return null;
        }
        String s = value.trim();
        if (s.length() >= 2 && (s.startsWith("'") && s.endsWith("'") || s.startsWith("\"") && s.endsWith("\""))) {
            return s.substring(1, s.length() - 1);
        }
        return s;
    }

    /** Runs gsettings if it is installed and answers within 2 s; null otherwise. */
    static String gsettings(String[] schemaAndKey) {
        try {
            Process p = new ProcessBuilder("gsettings", "get", schemaAndKey[0], schemaAndKey[1])
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(2, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.exitValue() == 0 && !out.isEmpty() ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
