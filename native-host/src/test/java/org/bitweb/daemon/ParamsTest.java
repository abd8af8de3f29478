package org.bitweb.daemon;

import org.bitweb.address.SiteAddress;
import org.bitweb.json.Json;
import org.bitweb.messaging.ErrorCode;
import org.bitweb.messaging.ProtocolException;
import org.bitweb.messaging.Request;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A request's fields read as BitWeb's value types: a good value comes back as the type, a bad one
 * is answered with the code for its kind (BAD_ADDRESS for an address, else BAD_REQUEST) and a
 * message naming what is wrong.
 */
class ParamsTest {
    static final String INFOHASH = "0123456789abcdef0123456789abcdef01234567";

    static Params params(String json) throws Exception {
        return new Params(new Request(null, "test.action", Json.MAPPER.readTree(json)));
    }

    static void refused(ErrorCode code, String mentions, Executable read) {
        ProtocolException e = assertThrows(ProtocolException.class, read);
        assertEquals(code, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains(mentions), "'" + e.getMessage() + "' should mention " + mentions);
    }

    @Test
    void anAddressIsReadInEverySpellingUsersPaste() throws Exception {
        for (String spelling : List.of(INFOHASH, INFOHASH.toUpperCase(), "http://" + INFOHASH + ".bitweb/",
                INFOHASH + ".bitweb", "magnet:?xt=urn:btih:" + INFOHASH)) {
            SiteAddress site = params("{\"address\":\"" + spelling + "\"}").address("address");
            assertEquals(SiteAddress.Kind.INFOHASH, site.kind(), spelling);
            assertEquals(INFOHASH, site.hex(), spelling);
        }
    }

    @Test
    void aBadAddressIsBadAddressAndAMissingOneABadRequest() {
        refused(ErrorCode.BAD_ADDRESS, "", () -> params("{\"address\":\"not-a-site\"}").address("address"));
        refused(ErrorCode.BAD_ADDRESS, "", () -> params("{\"url\":\"http://example.com/\"}").link("url"));
        refused(ErrorCode.BAD_REQUEST, "address", () -> params("{}").address("address"));
        refused(ErrorCode.BAD_REQUEST, "address", () -> params("{\"address\":7}").address("address"));
    }

    @Test
    void aLinkKeepsItsPathAndTheMagnetsPeers() throws Exception {
        var link = params("{\"url\":\"magnet:?xt=urn:btih:" + INFOHASH + "&x.pe=127.0.0.1:6881\"}").link("url");
        assertEquals(List.of(new InetSocketAddress("127.0.0.1", 6881)), link.peers());
        assertEquals("/a/b.html", params("{\"url\":\"http://" + INFOHASH + ".bitweb/a/b.html\"}").link("url").path());
    }

    @Test
    void aFolderMustBeAnAbsolutePath() throws Exception {
        assertEquals(Path.of("/home/me/site"), params("{\"path\":\"/home/me/site\"}").absolutePath("path"));
        refused(ErrorCode.BAD_REQUEST, "absolute", () -> params("{\"path\":\"relative/site\"}").absolutePath("path"));
        refused(ErrorCode.BAD_REQUEST, "", () -> params("{\"path\":\"/a\\u0000b\"}").absolutePath("path"));
    }

    @Test
    void aKeyNameIsOptionalButMustBeAName() throws Exception {
        assertEquals(Optional.empty(), params("{}").keyName("key"));
        assertEquals(Optional.empty(), params("{\"key\":null}").keyName("key"));
        assertEquals(Optional.of("blog"), params("{\"key\":\"blog\"}").keyName("key"));
        refused(ErrorCode.BAD_REQUEST, "../evil", () -> params("{\"key\":\"../evil\"}").keyName("key"));
        refused(ErrorCode.BAD_REQUEST, "key", () -> params("{\"key\":[\"blog\"]}").keyName("key"));
    }

    @Test
    void aSaltIsItsUtf8BytesAndMustFitInAHostName() throws Exception {
        assertArrayEquals(new byte[0], params("{}").salt("salt"));
        assertArrayEquals(new byte[0], params("{\"salt\":\"\"}").salt("salt"));
        assertArrayEquals("café".getBytes(StandardCharsets.UTF_8), params("{\"salt\":\"café\"}").salt("salt"));
        refused(ErrorCode.BAD_REQUEST, "", () -> params("{\"salt\":\"" + "é".repeat(40) + "\"}").salt("salt"));
    }

    @Test
    void peersAreAListOfIpAndPortStrings() throws Exception {
        assertEquals(List.of(), params("{}").peers("peers"));
        assertEquals(List.of(), params("{\"peers\":null}").peers("peers"));
        assertEquals(List.of(new InetSocketAddress("127.0.0.1", 1), new InetSocketAddress("::1", 2)),
                params("{\"peers\":[\"127.0.0.1:1\",\"[::1]:2\"]}").peers("peers"));
        refused(ErrorCode.BAD_REQUEST, "IP:port", () -> params("{\"peers\":\"127.0.0.1:1\"}").peers("peers"));
        refused(ErrorCode.BAD_REQUEST, "IP:port", () -> params("{\"peers\":[\"127.0.0.1:1\",5]}").peers("peers"));
        refused(ErrorCode.BAD_REQUEST, "name", () -> params("{\"peers\":[\"example.com:1\"]}").peers("peers"));
        refused(ErrorCode.BAD_REQUEST, "IP:port", () -> params("{\"peers\":[\"127.0.0.1\"]}").peers("peers"));
    }

    @Test
    void aFlagIsTrueOrFalseAndNothingElse() throws Exception {
        assertTrue(params("{\"whole\":true}").request().flag("whole", false));
        assertEquals(false, params("{}").request().flag("whole", false));
        assertEquals(true, params("{\"whole\":null}").request().flag("whole", true));
        for (String notAFlag : List.of("\"true\"", "1", "[]")) {
            refused(ErrorCode.BAD_REQUEST, "true or false", () -> params("{\"whole\":" + notAFlag + "}").request().flag("whole", false));
        }
        refused(ErrorCode.BAD_REQUEST, "true or false", () -> params("{\"keepSeeding\":null}").request().flag("keepSeeding"));
    }
}
