package org.bitweb.gateway;

import org.eclipse.jetty.http.HttpFields;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The request headers the gateway decides on, read in one pass. */
class AskedHeadersTest {

    static HttpFields headers(String... nameValue) {
        HttpFields.Mutable fields = HttpFields.build();
        for (int i = 0; i < nameValue.length; i += 2) {
            fields.add(nameValue[i], nameValue[i + 1]);
        }
        return fields;
    }

    @Test
    void aBrowsersPlainRequestAsksForTheWholeFile() {
        AskedHeaders asked = AskedHeaders.of(headers("Host", "x.bitweb", "Accept", "text/html", "Sec-Fetch-Mode",
                "navigate", "User-Agent", "Firefox", "Accept-Encoding", "gzip"));
        assertTrue(asked.plain());
        assertFalse(asked.speculative());
    }

    @Test
    void findsASpeculativeLoadWhereverItsHeaderIsAndHoweverItIsSpelt() {
        for (String[] h : new String[][]{{"sec-purpose", "prefetch;prerender"}, {"SEC-PURPOSE", "Prefetch"},
                {"Purpose", "prefetch"}, {"x-purpose", "preview"}, {"X-Moz", "PREFETCH"}}) {
            AskedHeaders asked = AskedHeaders.of(headers("Host", "x.bitweb", "Accept", "*/*", h[0], h[1],
                    "If-None-Match", "\"a\""));
            assertTrue(asked.speculative(), h[0] + ": " + h[1]);
            assertFalse(asked.plain());
        }
        assertFalse(AskedHeaders.of(headers("Sec-Purpose", "not-a-prefetch", "Purpose", "preview",
                "X-Purpose", "prefetch")).speculative(), "only the values that mean speculation");
    }

    @Test
    void keepsTheFirstOfEachConditionalAndRangeHeader() {
        AskedHeaders asked = AskedHeaders.of(headers("Range", "bytes=0-1", "if-none-match", "\"a\"",
                "If-Range", "\"r\"", "Range", "bytes=5-6", "If-None-Match", "\"b\""));
        assertEquals(new AskedHeaders(false, "\"a\"", "bytes=0-1", "\"r\""), asked);
        assertFalse(asked.plain());
    }
}
