package org.bitweb.fetch;

import org.junit.jupiter.api.Test;

import java.util.BitSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** Which pieces of a site are fetched: what readers asked for, in the order asked, nothing else. */
class PiecePickerTest {
    private static BitSet pieces(int... indexes) {
        BitSet set = new BitSet();
        for (int i : indexes) {
            set.set(i);
        }
        return set;
    }

    private static BitSet range(int from, int to) {
        BitSet set = new BitSet();
        set.set(from, to);
        return set;
    }

    @Test
    void onlyWantedPiecesComeInTheOrderAskedAndOnlyThoseThePeerHas() {
        PiecePicker picker = new PiecePicker(false);
        picker.initSelector(10);
        picker.want(pieces(7, 8));
        picker.want(pieces(2, 3));
        assertArrayEquals(new int[]{7, 8, 2, 3}, picker.getNextPieces(range(0, 10), null).toArray());
        assertArrayEquals(new int[]{8, 3}, picker.getNextPieces(pieces(3, 8), null).toArray(), "what the peer has");
        picker.arrived(7);
        assertArrayEquals(new int[]{8, 2, 3}, picker.getNextPieces(range(0, 10), null).toArray());
    }

    @Test
    void theGenerationGrowsOnlyWhenSomethingNewIsWanted() {
        PiecePicker picker = new PiecePicker(false);
        long start = picker.generation();
        picker.want(pieces(1, 2));
        long once = picker.generation();
        assertNotEquals(start, once);
        picker.want(pieces(2));
        assertEquals(once, picker.generation(), "asked again: nothing new for the assignments to claim");
        picker.want(new BitSet());
        assertEquals(once, picker.generation());
        picker.wholeSite(true);
        assertNotEquals(once, picker.generation(), "keeping the whole site wants everything");
    }
}
