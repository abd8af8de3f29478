package org.bitweb.gateway;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
        assertEquals(ContentTypes.DEFAULT, ContentTypes.of("x.no-such-extension"));
    }

    /** The types the old hand-written table lacked or that a browser refuses under nosniff if wrong. */
    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource(delimiter = '|', value = {
            "subs/en.vtt|text/vtt; charset=utf-8",
            "clip.webm|video/webm",
            "voice.opus|audio/ogg",
            "song.flac|audio/flac",
            "live/index.m3u8|application/vnd.apple.mpegurl",
            "site.zip|application/zip",
            "archive.tar|application/x-tar",
            "pic.bmp|image/bmp",
            "pic.tiff|image/tiff",
            "clip.mov|video/quicktime",
            "data.tsv|text/tab-separated-values; charset=utf-8",
            "app.webmanifest|application/manifest+json",
            "song.m4a|audio/mp4"})
    void knowsTheMediaAndArchivesSitesServe(String path, String type) {
        assertEquals(type, ContentTypes.of(path));
    }

    @Test
    void saysUtf8ForEveryTextTypeAndNothingElse() {
        assertEquals("text/plain; charset=utf-8", ContentTypes.of("notes.txt"), "Jetty alone infers ISO-8859-1");
        assertEquals("text/css; charset=utf-8", ContentTypes.of("style.css"));
        assertEquals("text/javascript; charset=utf-8", ContentTypes.of("app.mjs"));
        assertEquals("text/markdown; charset=utf-8", ContentTypes.of("README.md"));
        assertEquals("application/json", ContentTypes.of("data.json"));
        assertEquals("image/svg+xml", ContentTypes.of("logo.svg"));
    }

    @Test
    void keepsWhatBrowsersExpectWhereJettysTableDiffers() {
        assertEquals("audio/ogg", ContentTypes.of("sound.ogg"));
        assertEquals("audio/wav", ContentTypes.of("sound.wav"));
        assertEquals("image/x-icon", ContentTypes.of("favicon.ico"));
    }
}
