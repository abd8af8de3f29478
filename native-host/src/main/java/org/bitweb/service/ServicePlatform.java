package org.bitweb.service;

import java.util.Locale;

/** The per-user service manager of each desktop OS BitWeb installs on. */
public enum ServicePlatform {
    /** Linux: a systemd user unit, started at login (or at boot with lingering). */
    SYSTEMD("systemd user service"),
    /** macOS: a launchd agent in ~/Library/LaunchAgents. */
    LAUNCHD("launchd agent"),
    /** Windows: a Task Scheduler task with a logon trigger. */
    TASK_SCHEDULER("logon task");

    public final String description;

    ServicePlatform(String description) {
        this.description = description;
    }

    /** The platform of an {@code os.name}; anything not macOS or Windows is taken for a systemd Linux. */
    public static ServicePlatform of(String osName) {
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.contains("mac") || os.contains("darwin")) {
            return LAUNCHD;
        }
        if (os.contains("windows")) {
            return TASK_SCHEDULER;
        }
        return SYSTEMD;
    }
}
