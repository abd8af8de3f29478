package org.bitweb.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The site list survives restarts, and a damaged one stops the engine with a message that says what to do. */
class SiteStoreTest {
    static final String A = "a".repeat(40);
    static final String B = "b".repeat(40);

    @TempDir
    Path home;

    StateDir dir() throws IOException {
        return new StateDir(home).create();
    }

    static SiteRecord site(String infohash, String name, long added) {
        return new SiteRecord(infohash, name, 1234, 3, true, true, added);
    }

    @Test
    void putAndRemoveSurviveReopening() throws IOException {
        SiteStore store = SiteStore.open(dir());
        store.put(site(B, "second", 200));
        store.put(site(A, "first", 100));
        SiteStore reopened = SiteStore.open(dir());
        assertEquals(List.of(site(A, "first", 100), site(B, "second", 200)), reopened.list(), "oldest first");
        assertEquals(Optional.of(site(B, "second", 200)), reopened.get(B));

        assertTrue(reopened.remove(A));
        assertFalse(reopened.remove(A), "already gone");
        assertEquals(List.of(site(B, "second", 200)), SiteStore.open(dir()).list());
    }

    @Test
    void putReplacesTheRecordOfTheSameSite() throws IOException {
        SiteStore store = SiteStore.open(dir());
        store.put(site(A, "old name", 100));
        store.put(new SiteRecord(A, "new name", 99, 1, false, false, 100));
        List<SiteRecord> list = SiteStore.open(dir()).list();
        assertEquals(1, list.size());
        assertEquals("new name", list.get(0).name());
        assertFalse(list.get(0).seeding());
    }

    @Test
    void theFileIsAJsonListAnotherProgramCanRead() throws IOException {
        SiteStore.open(dir()).put(site(A, "first", 100));
        JsonNode json = new ObjectMapper().readTree(Files.readAllBytes(home.resolve("sites.json")));
        assertTrue(json.isArray());
        assertEquals(A, json.get(0).path("infohash").asText());
        assertEquals(1234, json.get(0).path("size").asLong());
    }

    @Test
    void noFileMeansNoSitesYet() throws IOException {
        assertEquals(List.of(), SiteStore.open(dir()).list());
    }

    @Test
    void anUnreadableSiteListIsAnErrorNamingTheFileAndWhatToDo() throws IOException {
        Files.writeString(dir().sitesFile(), "[{\"infohash\": \"aaaa");
        IOException e = assertThrows(IOException.class, () -> SiteStore.open(dir()));
        assertTrue(e.getMessage().contains(home.resolve("sites.json").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("move it away"), e.getMessage());
    }

    @Test
    void aSiteListWithAnInvalidRecordIsAnErrorToo() throws IOException {
        Files.writeString(dir().sitesFile(), "[{\"infohash\":\"../../etc\",\"name\":\"x\"}]");
        IOException e = assertThrows(IOException.class, () -> SiteStore.open(dir()));
        assertTrue(e.getMessage().contains("sites.json"), e.getMessage());
    }

    @Test
    void recordsRefuseAnInfohashThatIsNotFortyLowerCaseHex() {
        assertThrows(IllegalArgumentException.class, () -> site(A.toUpperCase(), "x", 0));
        assertThrows(IllegalArgumentException.class, () -> site("../" + A.substring(3), "x", 0));
        assertThrows(NullPointerException.class, () -> new SiteRecord(A, null, 0, 0, true, true, 0));
    }
}
