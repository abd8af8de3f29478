package org.bitweb.engine;

import org.bitweb.gateway.Gateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yaml.snakeyaml.Yaml;

import java.io.InputStream;

/**
 * Loads, on a thread of its own, what an engine's start needs later and is slowest to load, while
 * the start does its other work: a visit that starts the engine waits for all of the start
 * (issue 16, docs/TUNING.md "A visit that starts the engine").
 *
 * <ul>
 *   <li>SnakeYAML, with which bt reads its torrent model as its runtime is built: its class files
 *       are Java 5's, which class-data sharing cannot archive, so each start reads them from the
 *       jar and verifies them with the old verifier (about 150 classes).</li>
 *   <li>Jetty's server classes, which the gateway needs once bt's runtime is built.</li>
 * </ul>
 *
 * <p>On a machine with a core to spare this comes for free; on a busy one it is work the start
 * would have done anyway. {@code -Dbitweb.engine.startAhead=false} turns it off (bench/run.sh latency).
 */
final class StartAhead {
    private static final Logger log = LoggerFactory.getLogger(StartAhead.class);
    private static final String[] JETTY = {
            "org.eclipse.jetty.server.Server", "org.eclipse.jetty.server.ServerConnector",
            "org.eclipse.jetty.server.HttpConnectionFactory", "org.eclipse.jetty.server.HttpConfiguration",
            "org.eclipse.jetty.util.thread.QueuedThreadPool", "org.eclipse.jetty.io.ArrayByteBufferPool",
            "org.eclipse.jetty.server.internal.HttpConnection", "org.eclipse.jetty.server.internal.HttpChannelState",
            "org.eclipse.jetty.http.HttpParser", "org.eclipse.jetty.http.HttpGenerator",
    };
    private static volatile boolean begun;

    private StartAhead() {
    }

    static void begin() {
        if (begun || "false".equals(System.getProperty("bitweb.engine.startAhead"))) {
            return; // once per process: a second engine (tests) finds it all loaded
        }
        begun = true;
        Thread thread = new Thread(StartAhead::run, "bitweb-start-ahead");
        thread.setDaemon(true);
        thread.start();
    }

    private static void run() {
        try {
            try (InputStream model = StartAhead.class.getResourceAsStream("/metainfo.yml")) {
                if (model != null) {
                    new Yaml().load(model); // bt's own model file: the parser's paths, not only its classes
                }
            }
            Gateway.noManagementBeans(); // before any Jetty class initializes
            ClassLoader loader = StartAhead.class.getClassLoader();
            for (String name : JETTY) {
                Class.forName(name, true, loader);
            }
        } catch (Exception | LinkageError e) {
            log.warn("loading ahead for the engine's start failed (the start loads it itself): {}", e.toString());
        }
    }
}
