package org.bitweb.gateway;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;

/**
 * The request headers that decide how a file is answered, found in one pass over the request's
 * headers: whether the request is speculative ({@link SecurityHeaders#speculative(HttpField)}),
 * and the conditional and range headers. Asking {@link HttpFields#get} for each of them scanned
 * the headers seven times per request; a browser's request has fifteen or more.
 *
 * @param speculative a prefetch or prerender, not a reader's load
 * @param ifNoneMatch the first {@code If-None-Match}, or null
 * @param range       the first {@code Range}, or null
 * @param ifRange     the first {@code If-Range}, or null
 */
record AskedHeaders(boolean speculative, String ifNoneMatch, String range, String ifRange) {

    /** Nothing speculative, nothing conditional, no range: the whole file is sent. */
    static final AskedHeaders PLAIN = new AskedHeaders(false, null, null, null);

    static AskedHeaders of(HttpFields request) {
        boolean speculative = false;
        String ifNoneMatch = null;
        String range = null;
        String ifRange = null;
        for (HttpField field : request) {
            var header = field.getHeader();
            if (header == null) {
                // the speculation headers are none of Jetty's known ones
                speculative |= SecurityHeaders.speculative(field);
                continue;
            }
            switch (header) {
                case IF_NONE_MATCH -> ifNoneMatch = ifNoneMatch == null ? field.getValue() : ifNoneMatch;
                case RANGE -> range = range == null ? field.getValue() : range;
                case IF_RANGE -> ifRange = ifRange == null ? field.getValue() : ifRange;
                default -> {
                }
            }
        }
        if (!speculative && ifNoneMatch == null && range == null && ifRange == null) {
            return PLAIN;
        }
        return new AskedHeaders(speculative, ifNoneMatch, range, ifRange);
    }

    /** Whether the whole file is asked for with nothing to compare: the common case. */
    boolean plain() {
        return this == PLAIN;
    }
}
