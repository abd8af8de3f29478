package org.bitweb.gateway;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ContentTypesTest {

    @Test
    void matchesTheExtensionOfTheLastSegmentCaseInsensitively() {
        assertEquals("image/png", ContentTypes.of("img/A.PNG"));
        assertEquals("text/html; charset=utf-8", ContentTypes.of("a.b/index.html"));
    }

    @Test
    void treatsNamesWithoutAnExtensionAsBytes() {
        assertEquals(ContentTypes.DEFAULT, ContentTypes.of("v1.0/LICENSE"));
        assertEquals(ContentTypes.DEFAULT, ContentTypes.of(".htaccess"));
        assertEquals(ContentTypes.DEFAULT, ContentTypes.of("file."));
        assertEquals(ContentTypes.DEFAULT, ContentTypes.of("x.exe"));
    }
}
