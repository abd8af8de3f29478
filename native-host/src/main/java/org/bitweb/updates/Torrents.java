package org.bitweb.updates;

import org.bitweb.address.SiteAddress;
import org.bitweb.gateway.SiteSource;
import org.bitweb.gateway.SiteView;
import org.bitweb.site.Publisher;
import org.bitweb.site.SiteStatus;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What key sites need from the engine: the torrents that are their versions. A key site is
 * published, served, fetched and seeded as the torrent its newest item points at, and those
 * torrents are the engine's; the engine implements this so that {@code updates} never imports
 * it (no package cycle). Every address given here is a torrent's (an infohash), never a key.
 */
public interface Torrents {
    /** Makes the torrent of a folder and seeds it: the version a key is about to sign. */
    SiteStatus publish(Path folder, Publisher.Progress progress) throws IOException;

    /**
     * A version, its file list fetched from the swarm first if it is not here (asking
     * {@code peers} first), waiting up to {@code wait} for it.
     */
    SiteSource.Lookup fetch(SiteAddress torrent, List<InetSocketAddress> peers, Duration wait);

    /** A version that can be shown now, without fetching anything. */
    Optional<SiteView> siteView(SiteAddress torrent);

    /** A version in the engine's store, or empty. */
    Optional<SiteStatus> site(String infohash);

    /** How much of a version this engine holds, 0..1 (1 for one published here); empty if unknown. */
    Optional<Double> completion(SiteAddress torrent);

    /** The peers connected now for a version being fetched: likely holders of the next one. */
    List<InetSocketAddress> connectedPeers(String infohash);

    /** Shares a version from now on, fetching all of it first if it is not all here. */
    SiteStatus seed(String infohash) throws IOException;

    /** Stops sharing a version; it stays readable here. */
    SiteStatus unseed(String infohash) throws IOException;

    /** Removes a version and its files; returns the bytes freed. */
    long remove(String infohash) throws IOException;

    /** How long a version's file list may take to arrive before a fetch gives up. */
    Duration metadataTimeout();
}
