package org.bitweb.gateway;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** How request paths become paths inside a site, without Jetty's own checks in front. */
class SitePathTest {

    @Test
    void theRootAndAnEmptyPathNameTheRootFolder() {
        assertEquals(SitePath.ROOT, SitePath.parse("/"));
        assertEquals(SitePath.ROOT, SitePath.parse(""));
        assertEquals("index.html", SitePath.ROOT.indexFile());
    }

    @Test
    void aFilePathLosesItsLeadingSlash() {
        assertEquals(new SitePath("img/a.png", false), SitePath.parse("/img/a.png"));
    }

    @Test
    void aTrailingSlashNamesAFolderServedByItsIndex() {
        SitePath folder = SitePath.parse("/docs/api/");
        assertEquals(new SitePath("docs/api", true), folder);
        assertEquals("docs/api/index.html", folder.indexFile());
    }

    @Test
    void eachSegmentIsPercentDecodedAsUtf8() {
        assertEquals("caf\u00e9 menu/a b+c.html", SitePath.parse("/caf%C3%A9%20menu/a%20b+c.html").relative());
        assertEquals("\u65e5\u672c.html", SitePath.parse("/\u65e5\u672c.html").relative());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "/..", "/../etc/passwd", "/a/../../b", "/a/..", "/.", "/./a", "/a/./b", "/...", "/. .",
            "/%2e%2e/a", "/%2E%2E/a", "/.%2e/a", "/a/%2e", "/%2e%2e%2fa",
            "/a%2fb", "/a%2Fb", "/a%5cb", "/a\\b", "/..\\..\\windows",
            "/a%00b", "/a%00", "/%0a", "/a%7f", "/a%1bb",
            "//a", "/a//b",
            "/%", "/%4", "/%zz", "/%c0%ae%c0%ae/a", "/%ff",
            "a/b", "*"})
    void refusesAnythingThatCouldLeaveTheSiteOrIsAmbiguous(String raw) {
        assertThrows(IllegalArgumentException.class, () -> SitePath.parse(raw));
    }

    @Test
    void decodesOnceSoADoubleEncodedDotDotIsALiteralName() {
        assertEquals("%2e%2e/a", SitePath.parse("/%252e%252e/a").relative());
    }

    @Test
    void namesThatMerelyContainDotsAreFiles() {
        assertEquals("a..b/.well-known/x.y", SitePath.parse("/a..b/.well-known/x.y").relative());
        assertEquals(".htaccess", SitePath.parse("/.htaccess").relative());
    }
}
