package org.bitweb.service;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a unit file as systemd does, as far as the tests need: {@code Key=value} lines (comments
 * and sections skipped), ExecStart split into words by systemd's quoting rules, and which way a
 * service ends makes {@code Restart=on-failure} start it again (systemd.service(5)).
 */
final class SystemdUnit {
    private SystemdUnit() {
    }

    static Map<String, List<String>> keys(String unit) {
        Map<String, List<String>> keys = new LinkedHashMap<>();
        for (String line : unit.split("\n")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#") || l.startsWith(";") || l.startsWith("[")) {
                continue;
            }
            int eq = l.indexOf('=');
            keys.computeIfAbsent(l.substring(0, eq), k -> new ArrayList<>()).add(l.substring(eq + 1));
        }
        return keys;
    }

    /** ExecStart's words: double quotes group, backslash escapes, %% is %, $$ is $. */
    static List<String> execStart(String unit) {
        String line = keys(unit).get("ExecStart").get(0);
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (!quoted && c == ' ') {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
                continue;
            }
            if (word == null) {
                word = new StringBuilder();
            }
            if (c == '"') {
                quoted = !quoted;
            } else if (c == '\\') {
                word.append(line.charAt(++i));
            } else if ((c == '%' || c == '$') && i + 1 < line.length() && line.charAt(i + 1) == c) {
                word.append(c);
                i++;
            } else if (c == '%' || c == '$') {
                throw new AssertionError("unescaped " + c + " in ExecStart would be expanded by systemd: " + line);
            } else {
                word.append(c);
            }
        }
        if (word != null) {
            words.add(word.toString());
        }
        return words;
    }

    /**
     * Whether systemd starts the service again after its main process ended so, under the unit's
     * Restart=, RestartPreventExitStatus= and SuccessExitStatus= (systemd.service(5): on-failure
     * restarts on an unclean exit code, an unclean signal, a timeout or the watchdog).
     *
     * @param exitStatus the exit code, or -1 when killed by {@code signal}
     */
    static boolean restarts(String unit, int exitStatus, String signal) {
        Map<String, List<String>> keys = keys(unit);
        String restart = keys.getOrDefault("Restart", List.of("no")).get(0);
        List<String> success = words(keys.get("SuccessExitStatus"));
        List<String> prevent = words(keys.get("RestartPreventExitStatus"));
        if (prevent.contains(exitStatus < 0 ? signal : String.valueOf(exitStatus))) {
            return false;
        }
        boolean clean = exitStatus < 0
                ? List.of("HUP", "INT", "TERM", "PIPE").contains(signal) || success.contains(signal)
                : exitStatus == 0 || success.contains(String.valueOf(exitStatus));
        return switch (restart) {
            case "always" -> true;
            case "on-failure" -> !clean;
            case "on-abnormal" -> exitStatus < 0 && !clean;
            default -> false;
        };
    }

    private static List<String> words(List<String> values) {
        List<String> words = new ArrayList<>();
        if (values != null) {
            for (String v : values) {
                words.addAll(List.of(v.trim().split("\\s+")));
            }
        }
        return words;
    }
}
