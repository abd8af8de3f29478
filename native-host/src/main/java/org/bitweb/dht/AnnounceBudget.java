package org.bitweb.dht;

import java.util.function.LongSupplier;

/**
 * The announce budget of one DHT node, shared by everything that announces through it (the bt
 * peer source's sites, the comments' topics): at most {@link #PER_SECOND} announces start a
 * second on average, {@link #BURST} at once after a quiet spell, and at most {@link #AT_ONCE} run
 * at the same time. A caller that gets no announce tries again later (its next poll or tick); it
 * never queues one here, so an announce never waits out its own timeout in a queue.
 *
 * <p>Why one budget for the node and not one per caller: mldht delays a request to an address it
 * sent more than ten to lately by half a second for every request over that, the delayed ones
 * included, and keeps a delayed request even after the lookup that sent it gave up. 1,000 sites'
 * comment topics announced in one go (the bt peer source was already within its own budget) left
 * over a hundred requests held back per testnet node: delays of a minute and more, no DHT packet
 * sent for 40 s, then a burst of 256 and silence again (docs/DHT.md, "The announce budget").
 */
public final class AnnounceBudget {
    /** Announces started a second on average, for every caller together. */
    public static final double PER_SECOND = 2;
    /** Announces that may start at once after a quiet spell. */
    public static final int BURST = 4;
    /** Announces running at the same time: slow ones hold new starts back instead of piling up. */
    public static final int AT_ONCE = 4;

    private final LongSupplier clock;
    private double tokens = BURST;
    private long tokensAt;
    private int running;

    /**
     * When something announced now is announced again: {@code base} plus up to two thirds of it at
     * random (15-25 min for 15), so announces made together drift apart instead of coming due in
     * the same second every time; DHT nodes forget an announce after 30-60 minutes.
     */
    public static long reannounceNanos(java.time.Duration base, java.util.random.RandomGenerator random) {
        long nanos = base.toNanos();
        return nanos + (long) (random.nextDouble() * nanos * 2 / 3);
    }

    public AnnounceBudget() {
        this(System::nanoTime);
    }

    /** {@code clock} in nanoseconds, like {@link System#nanoTime()}; tests pass their own. */
    AnnounceBudget(LongSupplier clock) {
        this.clock = clock;
        this.tokensAt = clock.getAsLong();
    }

    /**
     * Takes one announce if the budget has one now; the caller must call {@link #ended()} once
     * that announce is over, however it ended.
     */
    public synchronized boolean tryStart() {
        long now = clock.getAsLong();
        tokens = Math.min(BURST, tokens + (now - tokensAt) / 1e9 * PER_SECOND);
        tokensAt = now;
        if (tokens < 1 || running >= AT_ONCE) {
            return false;
        }
        tokens -= 1;
        running++;
        return true;
    }

    /** An announce taken with {@link #tryStart()} is over. */
    public synchronized void ended() {
        if (running > 0) {
            running--;
        }
    }

    /** Announces running now. */
    public synchronized int running() {
        return running;
    }
}
