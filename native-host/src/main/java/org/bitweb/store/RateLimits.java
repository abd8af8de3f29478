package org.bitweb.store;

import java.util.Locale;

/**
 * Upload and download limits in bytes per second; 0 means no limit.
 *
 * @param uploadBytesPerSecond   most bytes per second sent to peers (0: no limit)
 * @param downloadBytesPerSecond most bytes per second read from peers (0: no limit)
 */
public record RateLimits(long uploadBytesPerSecond, long downloadBytesPerSecond) {
    /** No limits. */
    public static final RateLimits NONE = new RateLimits(0, 0);
    /**
     * The "slow link" preset, for a home line of about 1 Mbit/s up and 4 Mbit/s down (ADSL, a
     * weak mobile link): BitWeb takes at most 50 KB/s (0.4 Mbit/s) up and 200 KB/s (1.6 Mbit/s)
     * down, under half of each, so calls, pages and the rest of the house keep the line.
     */
    public static final RateLimits SLOW_LINK = new RateLimits(50_000, 200_000);
    /** Less than a block a second is a mistake, not a limit: peers would time out on every piece. */
    public static final long MIN = 16 * 1024;

    public RateLimits {
        check(uploadBytesPerSecond, "uploadBytesPerSecond");
        check(downloadBytesPerSecond, "downloadBytesPerSecond");
    }

    private static void check(long rate, String what) {
        if (rate != 0 && (rate < MIN || rate > 1L << 40)) {
            throw new IllegalArgumentException(what + " must be 0 (no limit) or " + MIN + " (16 KiB/s) or more, not " + rate);
        }
    }

    /** The preset named {@code name} ("slow-link", "none"). */
    public static RateLimits preset(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "slow-link", "slow link", "slowlink" -> SLOW_LINK;
            case "none", "off", "unlimited" -> NONE;
            default -> throw new IllegalArgumentException("unknown rate preset '" + name + "': slow-link or none");
        };
    }

    /**
     * A rate as a person writes it: "100K" or "100KB" (kilobytes, 1000 bytes), "1.5M", "512KiB",
     * a plain number of bytes, or 0 / "off" / "none" for no limit; per second in every case.
     */
    public static long parseRate(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT).replace("/s", "").replace("ps", "");
        if (t.equals("off") || t.equals("none") || t.equals("unlimited")) {
            return 0;
        }
        long unit = 1;
        String[][] units = {{"kib", "1024"}, {"mib", "1048576"}, {"kb", "1000"}, {"mb", "1000000"}, {"k", "1000"},
                {"m", "1000000"}, {"b", ""}};
        for (String[] u : units) {
            if (t.endsWith(u[0])) {
                t = t.substring(0, t.length() - u[0].length()).trim();
                unit = u[1].isEmpty() ? 1 : Long.parseLong(u[1]);
                break;
            }
        }
        try {
            double value = Double.parseDouble(t);
            if (value < 0 || Double.isNaN(value) || Double.isInfinite(value)) {
                throw new NumberFormatException();
            }
            long rate = Math.round(value * unit);
            check(rate, "a rate");
            return rate;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a rate: '" + text + "' (say 100K for 100 kilobytes a second, 0 for no limit)");
        }
    }

    public boolean unlimited() {
        return uploadBytesPerSecond == 0 && downloadBytesPerSecond == 0;
    }
}
