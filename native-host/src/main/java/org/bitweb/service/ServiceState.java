package org.bitweb.service;

import java.util.Objects;

/**
 * What the service manager says about BitWeb's service, in words a person can act on.
 *
 * @param platform the service manager asked
 * @param kind     installed and running, installed but not running, or not installed; UNKNOWN
 *                 when the manager could not be asked (no systemd user manager in this session)
 * @param detail   one line: what the manager said, or why it could not be asked
 * @param fix      the command that makes it run (install, start), or null when it runs
 */
public record ServiceState(ServicePlatform platform, Kind kind, String detail, String fix) {
    public enum Kind {
        RUNNING("running"), STOPPED("installed, not running"), NOT_INSTALLED("not installed"), UNKNOWN("unknown");

        public final String words;

        Kind(String words) {
            this.words = words;
        }
    }

    public ServiceState {
        Objects.requireNonNull(platform, "platform");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(detail, "detail");
        if (kind == Kind.RUNNING && fix != null) {
            throw new IllegalArgumentException("a running service needs no fix");
        }
    }

    public boolean installed() {
        return kind == Kind.RUNNING || kind == Kind.STOPPED;
    }

    /** One line for status and doctor: "logon task: installed, not running (...)". */
    public String line() {
        return platform.description + ": " + kind.words + (detail.isEmpty() ? "" : " (" + detail + ")");
    }
}
