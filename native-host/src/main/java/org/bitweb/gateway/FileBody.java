package org.bitweb.gateway;

import org.eclipse.jetty.io.RetainableByteBuffer;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.IteratingCallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * Copies a file's bytes to the response one pooled buffer at a time, without holding a thread
 * while the browser is slow to read: each write returns at once, and the next chunk is read when
 * Jetty calls back that the last one is sent. A download nobody reads (a paused video, a stalled
 * tab) costs one connection and one buffer, not one of the pool's threads, so it cannot starve
 * the other tabs (issue 12, item 8).
 *
 * <p>Reading may block (a remote site's piece on its way), so the callback says it is
 * {@link InvocationType#BLOCKING}: when a write completes later, Jetty runs the next step on a
 * pool thread, never on its selector.
 *
 * <p>The first chunk is read by the handler before the response is committed, so a file that
 * does not arrive still gets its 504 page; a failure after that aborts the connection, and the
 * client sees a body shorter than its Content-Length, never a complete-looking wrong file.
 */
final class FileBody extends IteratingCallback {

    private static final Logger LOG = LoggerFactory.getLogger(FileBody.class);

    private final Response response;
    private final Callback done;
    private final ReadableByteChannel in;
    private final RetainableByteBuffer buffer;
    private final String what;
    private long remaining;
    private boolean primed;
    private boolean reading;

    /**
     * @param buffer holds the first chunk, already read (flipped for writing); released at the end
     * @param remaining bytes still to read after that chunk
     * @param what      which file, for the debug log only (it is the user's browsing)
     */
    FileBody(Response response, Callback done, ReadableByteChannel in, RetainableByteBuffer buffer, long remaining,
             String what) {
        this.response = response;
        this.done = done;
        this.in = in;
        this.buffer = buffer;
        this.remaining = remaining;
        this.what = what;
        this.primed = true;
    }

    /**
     * Reads the next chunk of at most {@code max} bytes into {@code into}, flipped for writing:
     * as much as one read gives (a file on disk fills the buffer; a remote site gives what its
     * verified pieces hold, which is sent at once rather than held back for more).
     *
     * @return bytes read, at least one
     * @throws EOFException if the file ends first
     */
    static int fill(ReadableByteChannel in, ByteBuffer into, long max) throws IOException {
        into.clear();
        into.limit((int) Math.min(into.capacity(), max));
        int n;
        do {
            n = in.read(into);
        } while (n == 0);
        if (n < 0) {
            throw new EOFException("the file ended " + max + " bytes early");
        }
        into.flip();
        return n;
    }

    @Override
    protected Action process() throws IOException {
        ByteBuffer bytes = buffer.getByteBuffer();
        if (primed) {
            primed = false;
        } else if (remaining == 0) {
            return Action.SUCCEEDED;
        } else {
            reading = true;
            remaining -= fill(in, bytes, remaining);
            reading = false;
        }
        response.write(remaining == 0, bytes, this);
        return Action.SCHEDULED;
    }

    @Override
    protected void onCompleteSuccess() {
        close(null);
        done.succeeded();
    }

    @Override
    protected void onCompleteFailure(Throwable failure) {
        close(failure);
        // Headers are sent: the only honest signal left is to abort the response.
        done.failed(failure);
    }

    private void close(Throwable failure) {
        try {
            in.close();
        } catch (IOException e) {
            LOG.debug("closing a site file", e);
        }
        buffer.release();
        if (failure != null) {
            if (reading) {
                LOG.info("a file stopped arriving mid-response, aborting it: {}", failure.toString());
            } else {
                LOG.debug("the browser stopped reading (seeking, navigating away): {}", failure.toString());
            }
            LOG.debug("file {} aborted", what, failure);
        }
    }

    @Override
    public InvocationType getInvocationType() {
        return InvocationType.BLOCKING;
    }
}
