package org.bitweb.gateway;

/** For tests outside this package that must see the process's warm-up run (it runs once per process). */
public final class WarmUps {

    private WarmUps() {
    }

    /** The next engine started in this test JVM warms its gateway up, whatever ran before. */
    public static void allowAnother() {
        GatewayWarmUp.allowAnother();
    }
}
