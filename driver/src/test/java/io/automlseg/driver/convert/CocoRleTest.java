package io.automlseg.driver.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CocoRleTest {

    @Test
    void decodesHandEncodedStrings() {
        // Worked out by hand from the format: small runs are one character each (48 + value); the fourth run is
        // stored as the difference to the second; 100 needs two 5-bit groups; a negative difference sets bit 0x10.
        assertArrayEquals(new long[] {1, 2, 3, 4}, CocoRle.countsFromString("1232"));
        assertArrayEquals(new long[] {5, 1, 2, 0}, CocoRle.countsFromString("512O"));
        assertArrayEquals(new long[] {100}, CocoRle.countsFromString("T3"));
    }

    @Test
    void decodesAStringWrittenByPycocotools() {
        // A 50 x 70 mask as pycocotools encodes it (published in a public README); the runs must cover the image.
        String s = "0g05b08J4M2N2NA^O1`0OCO=0E090H080IO68DH;>@C>a0_O_O`0j0OWOF<:CM72I24NL43JM92FN;1ENKO72L0LO91J0MO92INO"
                + "0NO122OO0M031O000NO31OO11MO40N011MO41MO21L06OL021L06OL021L06OL021L060J040L060J040L060J040L060J040L06"
                + "0J040L060J040L060KO31L060KO31L06OL021L06OL021L06OL021MO41MO21MO40N100NO310O00M0310O00NO1220NO92IONO9"
                + "1KOMO72M0<1EO:2GN63KM34OLM73JF<;=1G_O_Ob0=AC`07EH=1IO71H090F0:1DO>1_O1b0>2N2N3L6H]O";
        long[] counts = CocoRle.countsFromString(s);
        assertEquals(50L * 70, Arrays.stream(counts).sum());
        assertTrue(Arrays.stream(counts).allMatch(c -> c >= 0));
        boolean[] mask = CocoRle.decode(counts, 50, 70);
        int on = 0;
        for (boolean b : mask) {
            on += b ? 1 : 0;
        }
        assertEquals(oddSum(counts), on);
        assertTrue(on > 0 && on < 50 * 70);
    }

    private static long oddSum(long[] counts) {
        long sum = 0;
        for (int i = 1; i < counts.length; i += 2) {
            sum += counts[i];
        }
        return sum;
    }

    @Test
    void runsGoDownColumnsFirst() {
        boolean[] mask = CocoRle.decode(new long[] {1, 2, 3}, 2, 3);
        assertArrayEquals(new boolean[] {false, true, false, true, false, false}, mask);
    }

    @Test
    void runsThatDoNotCoverTheImageAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CocoRle.decode(new long[] {1, 2}, 2, 3));
        assertTrue(e.getMessage().contains("2x3"));
        assertThrows(IllegalArgumentException.class, () -> CocoRle.countsFromString("1 2"));
    }
}
