package org.bitweb.gateway;

import org.bitweb.gateway.ByteRange.Partial;
import org.bitweb.gateway.ByteRange.Unsatisfiable;
import org.bitweb.gateway.ByteRange.Whole;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** What a Range header asks of a file of 100 bytes. */
class ByteRangeTest {

    private static ByteRange.Request of(String header) {
        return ByteRange.parse(header, 100);
    }

    private static ByteRange partial(String header) {
        return assertInstanceOf(Partial.class, of(header)).range();
    }

    @Test
    void aClosedRangeIsInclusive() {
        ByteRange r = partial("bytes=10-19");
        assertEquals(new ByteRange(10, 19), r);
        assertEquals(10, r.length());
        assertEquals("bytes 10-19/100", r.contentRange(100));
    }

    @Test
    void anOpenRangeRunsToTheEnd() {
        assertEquals(new ByteRange(90, 99), partial("bytes=90-"));
    }

    @Test
    void aSuffixRangeIsTheLastBytes() {
        assertEquals(new ByteRange(95, 99), partial("bytes=-5"));
    }

    @Test
    void aSuffixLongerThanTheFileIsTheWholeFile() {
        assertEquals(new ByteRange(0, 99), partial("bytes=-500"));
    }

    @Test
    void anEndPastTheFileIsClampedToItsLastByte() {
        assertEquals(new ByteRange(50, 99), partial("bytes=50-1000"));
    }

    @Test
    void spacesAndUnitCaseAreTolerated() {
        assertEquals(new ByteRange(1, 2), partial(" Bytes = 1 - 2 "));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"bytes=100-", "bytes=100-200", "bytes=-0", "bytes=5000-"})
    void aRangeStartingPastTheEndIsUnsatisfiable(String header) {
        assertInstanceOf(Unsatisfiable.class, of(header));
    }

    @Test
    void anyRangeOfAnEmptyFileIsUnsatisfiable() {
        assertInstanceOf(Unsatisfiable.class, ByteRange.parse("bytes=0-", 0));
        assertInstanceOf(Unsatisfiable.class, ByteRange.parse("bytes=-1", 0));
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"", "bytes", "bytes=", "bytes=-", "bytes=a-b", "bytes=5-3", "items=0-1",
            "bytes=0-1,5-6", "bytes=1-2-3", "bytes=99999999999999999999-"})
    void anythingElseIsAnsweredWithTheWholeFile(String header) {
        assertInstanceOf(Whole.class, of(header));
    }

    @Test
    void noHeaderMeansTheWholeFile() {
        assertInstanceOf(Whole.class, of(null));
    }
}
