package org.bitweb.bt;

/**
 * A rate in bytes per second with a small burst: spending may run into debt (a whole block or a
 * whole socket read is spent at once), which is paid back before anything more passes. Over any
 * period the bytes spent are at most rate x period + burst + one spend. Rate 0 means no limit.
 */
final class TokenBucket {
    /** The smallest burst: two 16 KiB blocks with their headers, so a limit never splits a block. */
    static final long MIN_BURST = 2 * (16 * 1024 + 13);

    private long rate;
    private double tokens;
    private long last;

    TokenBucket(long bytesPerSecond, long now) {
        this.last = now;
        rate(bytesPerSecond, now);
    }

    synchronized void rate(long bytesPerSecond, long now) {
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("a rate is 0 (no limit) or more bytes per second, not " + bytesPerSecond);
        }
        refill(now);
        this.rate = bytesPerSecond;
        tokens = Math.min(tokens, burst());
    }

    synchronized long rate() {
        return rate;
    }

    /** A tenth of a second's worth, at least {@link #MIN_BURST}: smooth, yet blocks are never split. */
    private long burst() {
        return Math.max(MIN_BURST, rate / 10);
    }

    private void refill(long now) {
        if (rate > 0) {
            tokens = Math.min(burst(), tokens + (now - last) * (double) rate / 1e9);
        }
        last = now;
    }

    /** Nanoseconds until something may pass; 0 if it may now. */
    synchronized long nanosUntilFree(long now) {
        if (rate == 0) {
            return 0;
        }
        refill(now);
        return tokens > 0 ? 0 : (long) Math.ceil((1 - tokens) * 1e9 / rate);
    }

    synchronized void spend(long bytes, long now) {
        if (rate > 0) {
            refill(now);
            tokens -= bytes;
        }
    }
}
