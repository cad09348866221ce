package io.automlseg.executor.mask;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class BinaryMasksTest {
    private static boolean[] mask(int w, int h, String... rows) {
        boolean[] m = new boolean[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                m[y * w + x] = rows[y].charAt(x) == '#';
            }
        }
        return m;
    }

    /** The synthetic generator places objects by these: 4-connected parts, holes only where background is enclosed. */
    @Test
    void findsFourConnectedPartsAndEnclosedHoles() {
        boolean[] ring = mask(5, 5,
                "#####",
                "#...#",
                "#.#.#",
                "#...#",
                "#####");
        assertTrue(BinaryMasks.hasHoles(ring, 5, 5));
        List<boolean[]> parts = BinaryMasks.components(ring, 5, 5);
        assertEquals(2, parts.size());
        assertEquals(16, BinaryMasks.count(parts.get(0)));
        assertEquals(1, BinaryMasks.count(parts.get(1)));
        assertFalse(BinaryMasks.hasHoles(parts.get(1), 5, 5));
        // A background pocket open to the border through a diagonal gap is no hole.
        boolean[] open = mask(4, 4,
                "###.",
                "#..#",
                "#..#",
                "####");
        assertFalse(BinaryMasks.hasHoles(open, 4, 4));
        // Diagonal contact does not join parts.
        assertEquals(2, BinaryMasks.components(mask(4, 4,
                "##..",
                "##..",
                "..##",
                "..##"), 4, 4).size());
    }

    @Test
    void bytesAreOneWhereTheMaskIsSet() {
        assertArrayEquals(new byte[] {1, 0, 0, 1}, BinaryMasks.toBytes(new boolean[] {true, false, false, true}));
    }
}
