package org.bitweb.nat;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Objects;

/**
 * Whether peers outside this network can connect to this engine, for {@code bitweb status},
 * {@code bitweb doctor} and the popup.
 *
 * @param state           mapped, public, not mapped or unknown
 * @param method          how the port was asked for ("UPnP IGD", "PCP", "NAT-PMP"), or null
 * @param externalAddress the outside address peers reach, when known (router's answer, or the DHT's view)
 * @param tcpPort         the peer port, as peers outside reach it (0 when not known)
 * @param udpPort         the DHT port, as peers outside reach it (0 for none)
 * @param detail          one line: what was found
 * @param advice          what a person can do about it, or null when there is nothing to do
 */
public record Reachability(State state, String method, String externalAddress, int tcpPort, int udpPort, String detail,
                           String advice) {
    public enum State {
        /** The router forwards the ports: peers can connect. */
        MAPPED("mapped"),
        /** This machine has a public address itself: peers can connect unless a firewall says no. */
        PUBLIC("public"),
        /** No router forwarded the ports: peers outside cannot connect (this engine can still connect out). */
        NOT_MAPPED("not-mapped"),
        /** Not known (yet, or port mapping is off). */
        UNKNOWN("unknown");

        private final String word;

        State(String word) {
            this.word = word;
        }

        @JsonValue
        public String word() {
            return word;
        }
    }

    public Reachability {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(detail, "detail");
    }

    static Reachability unknown(String detail, String advice) {
        return new Reachability(State.UNKNOWN, null, null, 0, 0, detail, advice);
    }

    /** One line for people: "mapped: TCP 47801 ... (advice)". */
    public String line() {
        return state.word().replace('-', ' ') + ": " + detail;
    }
}
