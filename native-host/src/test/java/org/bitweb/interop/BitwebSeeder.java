package org.bitweb.interop;

import org.bitweb.engine.Engine;
import org.bitweb.engine.EngineOptions;
import org.bitweb.site.Publisher;
import org.bitweb.site.SiteStatus;
import org.bitweb.store.StateDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;

/** A real BitWeb engine on loopback that has published one folder and seeds it. */
public final class BitwebSeeder implements AutoCloseable {
    private final Engine engine;
    private final SiteStatus site;

    private BitwebSeeder(Engine engine, SiteStatus site) {
        this.engine = engine;
        this.site = site;
    }

    public static BitwebSeeder publish(Path folder, Path stateRoot) throws IOException {
        Engine engine = Engine.start(new StateDir(stateRoot), new EngineOptions(0, 0, InetAddress.getLoopbackAddress()));
        try {
            return new BitwebSeeder(engine, engine.publish(folder, Publisher.Progress.NONE));
        } catch (IOException | RuntimeException e) {
            engine.close();
            throw e;
        }
    }

    public String infohash() {
        return site.address();
    }

    public InetSocketAddress peerAddress() {
        return new InetSocketAddress("127.0.0.1", engine.peerPort());
    }

    /** The torrent BitWeb made: {@code <state>/sites/<infohash>/site.torrent}. */
    public Path torrent() {
        return engine.stateDir().site(infohash()).resolve("site.torrent");
    }

    /** bt's storage root of the site: the files are under {@code <data>/<torrent name>/}. */
    public Path dataRoot() {
        return engine.stateDir().site(infohash()).resolve("data");
    }

    public SiteStatus status() {
        return engine.site(infohash()).orElseThrow();
    }

    public Engine engine() {
        return engine;
    }

    @Override
    public void close() {
        engine.close();
    }
}
