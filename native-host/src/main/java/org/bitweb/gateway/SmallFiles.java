package org.bitweb.gateway;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.PreEncodedHttpField;

import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of small files (pages, scripts, styles, icons) kept in memory, so that serving one
 * opens, reads and closes no file. A site version is immutable ({@link SiteView#version()}: same
 * version, same bytes), so a file is named by its version and path and never goes stale.
 *
 * <p>Bounded: files of at most {@link #MAX_FILE} bytes, {@code capacity} bytes in all (direct
 * memory, counted by the bytes held). When a new file would not fit, entries are dropped until a
 * quarter of the room is free; which ones is left to the map's order, which is cheap and good
 * enough for a cache whose misses cost one file read.
 */
final class SmallFiles {

    /** Files up to this size are kept. */
    static final int MAX_FILE = 64 * 1024;

    /**
     * A file in memory: its bytes (read-only; {@link ByteBuffer#slice()} it to send), its ETag, and
     * the header fields of a whole-file answer (ETag, Content-Type, Content-Length), encoded once
     * when the file is kept: under load, building and encoding them per request was a visible
     * share of a small page's cost.
     */
    record Entry(ByteBuffer bytes, String etag, HttpField etagField, HttpField contentType, HttpField contentLength) {

        Entry(ByteBuffer bytes, String etag, String contentType) {
            this(bytes, etag, new PreEncodedHttpField(HttpHeader.ETAG, etag),
                    new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, contentType),
                    new PreEncodedHttpField(HttpHeader.CONTENT_LENGTH, bytes.remaining()));
        }
    }

    private record Key(String version, String path) {
    }

    private final ConcurrentHashMap<Key, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong held = new AtomicLong();
    private final long capacity;

    /** @param capacity bytes kept at most; 0 keeps nothing */
    SmallFiles(long capacity) {
        this.capacity = capacity;
    }

    Entry get(String version, String path) {
        return entries.get(new Key(version, path));
    }

    /**
     * Keeps a whole file's bytes (read from the site, {@code bytes} flipped for reading).
     *
     * @return the entry to serve from (the one kept, or an uncached one when it does not fit)
     */
    Entry put(String version, String path, ByteBuffer bytes, String etag) {
        ByteBuffer copy = ByteBuffer.allocateDirect(bytes.remaining()).put(bytes).flip().asReadOnlyBuffer();
        Entry entry = new Entry(copy, etag, ContentTypes.of(path));
        int size = copy.remaining();
        if (size > MAX_FILE || size > capacity) {
            return entry;
        }
        if (held.get() + size > capacity) {
            evict(capacity * 3 / 4 - size);
        }
        Entry before = entries.putIfAbsent(new Key(version, path), entry);
        if (before != null) {
            return before; // another request read it meanwhile
        }
        held.addAndGet(size);
        return entry;
    }

    /** Drops every file of {@code version}. */
    void forget(String version) {
        for (var e : entries.entrySet()) {
            if (e.getKey().version().equals(version) && entries.remove(e.getKey(), e.getValue())) {
                held.addAndGet(-e.getValue().bytes().capacity());
            }
        }
    }

    /** Bytes held now. */
    long held() {
        return held.get();
    }

    private void evict(long target) {
        Iterator<java.util.Map.Entry<Key, Entry>> it = entries.entrySet().iterator();
        while (held.get() > target && it.hasNext()) {
            var e = it.next();
            if (entries.remove(e.getKey(), e.getValue())) {
                held.addAndGet(-e.getValue().bytes().capacity());
            }
        }
    }
}
