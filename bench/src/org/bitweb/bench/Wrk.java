package org.bitweb.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's wrk as the load: keep-alive connections, as many threads as cores, the same request
 * over and over. The request line and Host come from a small Lua script, so the gateway gets the
 * proxy form the extension sends (absolute URI) and nginx the origin form.
 */
final class Wrk {

    /** What one run measured. Errors make the run worthless: {@link #check} refuses them. */
    record Result(double requestsPerSecond, double bytesPerSecond, double p50Ms, double p99Ms, long requests,
                  long errors, String raw) {
        Result check(String what) {
            // a run of big files may end before any of them is whole: then the bytes tell
            if (errors > 0 || requests == 0 && bytesPerSecond == 0) {
                throw new IllegalStateException(what + ": " + errors + " errors, " + requests + " requests\n" + raw);
            }
            return this;
        }
    }

    private Wrk() {
    }

    static Result run(Servers.Server server, String file, int connections, int seconds, Path scratch)
            throws IOException, InterruptedException {
        Path script = scratch.resolve("wrk-" + server.name() + ".lua");
        Files.writeString(script, "wrk.path = \"" + server.target(file) + "\"\n"
                + "wrk.headers[\"Host\"] = \"" + server.host() + "\"\n");
        int threads = Math.min(connections, Runtime.getRuntime().availableProcessors());
        Process wrk = new ProcessBuilder("wrk", "-t" + threads, "-c" + connections, "-d" + seconds + "s",
                "--timeout", "60s", "--latency", "-s", script.toString(), "http://127.0.0.1:" + server.port() + "/")
                .redirectErrorStream(true).start();
        String out = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (wrk.waitFor() != 0) {
            throw new IOException("wrk failed: " + out);
        }
        return parse(out);
    }

    static Result parse(String out) {
        long requests = Long.parseLong(find(out, "(\\d+) requests in"));
        Matcher total = Pattern.compile("requests in ([\\d.]+)(\\w+), ([\\d.]+)(\\w+) read").matcher(out);
        if (!total.find()) {
            throw new IllegalStateException("cannot read wrk's output:\n" + out);
        }
        double seconds = Double.parseDouble(total.group(1)) * timeUnitMs(total.group(2)) / 1000;
        double bytes = Double.parseDouble(total.group(3)) * byteUnit(total.group(4));
        long errors = 0;
        Matcher socket = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)")
                .matcher(out);
        if (socket.find()) {
            for (int i = 1; i <= 4; i++) {
                errors += Long.parseLong(socket.group(i));
            }
        }
        Matcher non2xx = Pattern.compile("Non-2xx or 3xx responses: (\\d+)").matcher(out);
        if (non2xx.find()) {
            errors += Long.parseLong(non2xx.group(1));
        }
        return new Result(Double.parseDouble(find(out, "Requests/sec:\\s+([\\d.]+)")), bytes / seconds,
                latency(out, "50%"), latency(out, "99%"), requests, errors, out);
    }

    private static double latency(String out, String percentile) {
        Matcher m = Pattern.compile(Pattern.quote(percentile) + "\\s+([\\d.]+)(\\w+)").matcher(out);
        return m.find() ? Double.parseDouble(m.group(1)) * timeUnitMs(m.group(2)) : Double.NaN;
    }

    private static String find(String out, String regex) {
        Matcher m = Pattern.compile(regex).matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("cannot read wrk's output (" + regex + "):\n" + out);
        }
        return m.group(1);
    }

    private static double timeUnitMs(String unit) {
        return switch (unit.toLowerCase(Locale.ROOT)) {
            case "us" -> 0.001;
            case "ms" -> 1;
            case "s" -> 1000;
            case "m" -> 60_000;
            case "h" -> 3_600_000;
            default -> throw new IllegalStateException("unknown time unit " + unit);
        };
    }

    private static double byteUnit(String unit) {
        return switch (unit) {
            case "B" -> 1;
            case "KB" -> 1024;
            case "MB" -> 1024.0 * 1024;
            case "GB" -> 1024.0 * 1024 * 1024;
            case "TB" -> 1024.0 * 1024 * 1024 * 1024;
            default -> throw new IllegalStateException("unknown byte unit " + unit);
        };
    }

    static List<String> required() {
        return List.of("wrk", "nginx");
    }
}
