package org.bitweb.fetch;

import bt.torrent.PieceStatistics;
import bt.torrent.selector.PieceSelector;
import bt.torrent.selector.RarestFirstSelector;

import java.util.BitSet;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Decides which pieces of a site to fetch: the pieces someone is waiting for, in the order they
 * asked (so a page or the range under a video's playhead comes first, front to back), and nothing
 * else unless the user keeps the whole site. bt's own file priorities cannot do this: files it
 * skips at start stay skipped, and its priorities work per file, not per byte range.
 */
final class PiecePicker implements PieceSelector {
    private final Set<Integer> wanted = new LinkedHashSet<>();
    private final PieceSelector rest = RarestFirstSelector.randomizedRarest();
    private volatile boolean wholeSite;

    PiecePicker(boolean wholeSite) {
        this.wholeSite = wholeSite;
    }

    private volatile long generation;

    /** Asks for these pieces, in index order, after those already asked for. */
    synchronized void want(BitSet pieces) {
        boolean added = false;
        for (int i = pieces.nextSetBit(0); i >= 0; i = pieces.nextSetBit(i + 1)) {
            added |= wanted.add(i);
        }
        if (added) {
            generation++;
        }
    }

    /** Grows each time something new is wanted (for {@link AssignmentNudge}). */
    long generation() {
        return generation;
    }

    /** A piece arrived: nobody needs to ask for it any more. */
    synchronized void arrived(int piece) {
        wanted.remove(piece);
    }

    synchronized void wholeSite(boolean keep) {
        if (keep && !wholeSite) {
            generation++;
        }
        wholeSite = keep;
    }

    boolean wholeSite() {
        return wholeSite;
    }

    @Override
    public void initSelector(int numPieces) {
        rest.initSelector(numPieces);
    }

    @Override
    public IntStream getNextPieces(BitSet relevant, PieceStatistics statistics) {
        int[] first;
        synchronized (this) {
            first = wanted.stream().mapToInt(Integer::intValue).filter(relevant::get).toArray();
        }
        if (!wholeSite) {
            return IntStream.of(first);
        }
        BitSet others = (BitSet) relevant.clone();
        for (int piece : first) {
            others.clear(piece);
        }
        return IntStream.concat(IntStream.of(first), rest.getNextPieces(others, statistics));
    }
}
