package org.bitweb.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import org.bitweb.json.Json;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The envelope as docs/PROTOCOL.md spells it, byte for byte: installed extensions and older CLIs
 * read these exact field names, so the shapes are written out literally here.
 */
class EnvelopeTest {

    static JsonNode json(String text) throws Exception {
        return Json.MAPPER.readTree(text);
    }

    @Test
    void anOkReplyEchoesTheIdAndActionAndCarriesTheData() throws Exception {
        assertEquals("{\"id\":7,\"action\":\"sites.list\",\"ok\":true,\"data\":{\"sites\":[]}}",
                Json.text(Envelope.ok(json("7"), "sites.list", json("{\"sites\":[]}"))));
        assertEquals("{\"id\":\"a\",\"action\":\"x\",\"ok\":true,\"data\":null}",
                Json.text(Envelope.ok(json("\"a\""), "x", null)), "no data is JSON null, not a missing field");
    }

    @Test
    void anErrorReplyCarriesTheNumberOfItsCodeAndAMessage() throws Exception {
        assertEquals("{\"id\":7,\"action\":\"site.info\",\"ok\":false,\"error\":{\"code\":6,\"message\":\"no such site\"}}",
                Json.text(Envelope.error(json("7"), "site.info", ErrorCode.NOT_FOUND, "no such site")));
        assertEquals("{\"id\":null,\"action\":null,\"ok\":false,\"error\":{\"code\":2,\"message\":\"m\"}}",
                Json.text(Envelope.error(null, null, ErrorCode.BAD_JSON, "m")),
                "a request that could not be read still gets both fields, as null");
    }

    @Test
    void anEventHasNoIdSoNoClientTakesItForAReply() throws Exception {
        assertEquals("{\"event\":\"site.update\",\"data\":{\"peers\":2}}",
                Json.text(Envelope.event("site.update", json("{\"peers\":2}"))));
        assertTrue(Envelope.isEvent(Envelope.event("e", null)));
        assertFalse(Envelope.isEvent(Envelope.ok(json("1"), "a", null)));
    }

    @Test
    void aReplyEchoesAScalarIdAndAStringActionOnly() throws Exception {
        for (String id : new String[] {"7", "\"abc\"", "3.5", "true", "-12", "null"}) {
            assertEquals(json(id), Envelope.idOf(json("{\"id\":" + id + "}")), id);
        }
        for (String notEchoed : new String[] {"{\"id\":{\"a\":1}}", "{\"id\":[1]}", "{}", "[1]", "42"}) {
            assertTrue(Envelope.idOf(json(notEchoed)).isNull(), notEchoed);
        }
        assertTrue(Envelope.idOf(null).isNull());
        assertEquals("status", Envelope.actionOf(json("{\"action\":\"status\"}")));
        for (String notEchoed : new String[] {"{\"action\":3}", "{\"action\":null}", "{\"action\":[\"a\"]}", "{}", "\"s\""}) {
            assertEquals(null, Envelope.actionOf(json(notEchoed)), notEchoed);
        }
    }

    @Test
    void readingAReplyGivesItsDataOrItsErrorWithTheSameCode() throws Exception {
        assertEquals(json("{\"x\":1}"), Envelope.dataOf(Envelope.ok(json("1"), "a", json("{\"x\":1}"))));
        for (ErrorCode code : ErrorCode.values()) {
            ProtocolException e = assertThrows(ProtocolException.class,
                    () -> Envelope.dataOf(Envelope.error(json("1"), "a", code, "because " + code)));
            assertEquals(code, e.code());
            assertEquals("because " + code, e.getMessage());
        }
    }

    @Test
    void aReplyWithAnUnknownCodeOrNoOkReadsAsAnInternalError() throws Exception {
        ProtocolException newer = assertThrows(ProtocolException.class,
                () -> Envelope.dataOf(json("{\"id\":1,\"ok\":false,\"error\":{\"code\":999,\"message\":\"from a newer engine\"}}")));
        assertEquals(ErrorCode.INTERNAL, newer.code());
        assertEquals("from a newer engine", newer.getMessage());
        ProtocolException noOk = assertThrows(ProtocolException.class, () -> Envelope.dataOf(json("{\"id\":1}")));
        assertEquals(ErrorCode.INTERNAL, noOk.code());
        assertFalse(noOk.getMessage().isBlank());
    }

    @Test
    void everyCodeIsFoundByItsNumberAndNoOtherNumberIs() {
        for (ErrorCode code : ErrorCode.values()) {
            assertEquals(code, ErrorCode.of(code.code()).orElseThrow());
        }
        assertTrue(ErrorCode.of(0).isEmpty());
        assertTrue(ErrorCode.of(ErrorCode.values().length + 1).isEmpty());
    }
}
