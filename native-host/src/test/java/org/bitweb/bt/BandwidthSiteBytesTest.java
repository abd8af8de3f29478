package org.bitweb.bt;

import bt.metainfo.TorrentId;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Each site's byte counts in {@link Bandwidth}: exact, kept apart, and gone with the site. */
class BandwidthSiteBytesTest {
    private static final TorrentId A = site(1);
    private static final TorrentId B = site(2);

    @Test
    void countsEachSitesBlocksApart() {
        try (Bandwidth bandwidth = new Bandwidth()) {
            bandwidth.count(A);
            bandwidth.count(B);
            bandwidth.sent(A, 16384);
            bandwidth.sent(A, 100);
            bandwidth.received(A, 7);
            bandwidth.sent(B, 1);
            bandwidth.received(B, 16384);
            bandwidth.received(B, 16384);

            assertEquals(16484, bandwidth.siteUploaded(A));
            assertEquals(7, bandwidth.siteDownloaded(A));
            assertEquals(1, bandwidth.siteUploaded(B));
            assertEquals(32768, bandwidth.siteDownloaded(B));
        }
    }

    @Test
    void theLimitsTrafficIsNotASitesBytes() {
        try (Bandwidth bandwidth = new Bandwidth()) {
            bandwidth.count(A);
            bandwidth.upload(A, 16384 + Bandwidth.PIECE_HEADER).join(); // no limit: at once
            bandwidth.downloaded(A, 68); // a handshake read from a connection of A

            assertEquals(16384 + Bandwidth.PIECE_HEADER, bandwidth.uploaded(), "all sites: what went on the wire");
            assertEquals(68, bandwidth.downloaded());
            assertEquals(0, bandwidth.siteUploaded(A), "a block counts for its site once it is handed to bt");
            assertEquals(0, bandwidth.siteDownloaded(A), "no block came");
        }
    }

    @Test
    void aForgottenSitesCountsAreGone() {
        try (Bandwidth bandwidth = new Bandwidth()) {
            Bandwidth.SiteBytes a = bandwidth.count(A);
            bandwidth.count(B);
            bandwidth.sent(A, 10);
            bandwidth.sent(B, 20);

            bandwidth.forget(A, a);
            assertEquals(1, bandwidth.countedSites(), "only B is kept");
            assertEquals(0, bandwidth.siteUploaded(A));
            assertEquals(20, bandwidth.siteUploaded(B), "B keeps its count");

            bandwidth.sent(A, 10); // a block in flight as A stopped
            bandwidth.received(A, 10);
            assertEquals(1, bandwidth.countedSites(), "late bytes do not bring a forgotten site back");
            assertEquals(0, bandwidth.siteUploaded(A));

            bandwidth.count(A);
            assertEquals(0, bandwidth.siteUploaded(A), "counted again from 0, as a new session");
        }
    }

    @Test
    void aClientStoppingLateLeavesTheCountsOfTheOneAfterIt() {
        try (Bandwidth bandwidth = new Bandwidth()) {
            Bandwidth.SiteBytes old = bandwidth.count(A);
            bandwidth.count(A); // a new fetch of A started before the old one stopped
            bandwidth.sent(A, 5);

            bandwidth.forget(A, old);
            assertEquals(5, bandwidth.siteUploaded(A));
            assertEquals(1, bandwidth.countedSites());
        }
    }

    private static TorrentId site(int n) {
        byte[] bytes = new byte[20];
        Arrays.fill(bytes, (byte) n);
        return TorrentId.fromBytes(bytes);
    }
}
