package io.automlseg.executor.mask;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** pycocotools' compressed RLE strings: written, parsed, and as pycocotools writes them. */
class RleCodecTest {
    @Test
    void compressedStringHandlesLargeAndNegativeDeltas() {
        int[] counts = {100000, 3, 7, 250000, 1, 123456, 40, 0, 0};
        int total = 0;
        for (int c : counts) {
            total += c;
        }
        Rle rle = Rle.ofCounts(1, total, counts);
        assertArrayEquals(counts, RleCodec.fromCompressedString(rle.toCompressedString(), 1, total).counts());
    }

    /** Crowd regions of the same cases: pycocotools' compressed strings, with the area and box it computed. */
    @Test
    void compressedStringsRoundTripAndMatchReferenceAreas() throws IOException {
        int checked = 0;
        for (JsonNode v : RleTest.read("/rle/coco-vectors.json").get("crowd")) {
            String s = v.get("counts").asText();
            int h = v.get("h").asInt();
            int w = v.get("w").asInt();
            Rle rle = RleCodec.fromCompressedString(s, h, w);
            assertEquals(v.get("area").asDouble(), (double) rle.area());
            assertArrayEquals(new double[] {v.get("bbox").get(0).asDouble(), v.get("bbox").get(1).asDouble(),
                    v.get("bbox").get(2).asDouble(), v.get("bbox").get(3).asDouble()}, rle.toBbox());
            assertEquals(s, rle.toCompressedString());
            long total = 0;
            for (int c : rle.counts()) {
                total += c;
            }
            assertEquals((long) h * w, total);
            checked++;
        }
        assertTrue(checked > 50, "crowd vectors checked: " + checked);
    }

    @Test
    void decodesHandEncodedStrings() {
        // Worked out by hand from the format: small runs are one character each (48 + value); the fourth run is
        // stored as the difference to the second; 100 needs two 5-bit groups; a negative difference sets bit 0x10.
        assertArrayEquals(new int[] {1, 2, 3, 4}, RleCodec.fromCompressedString("1232", 1, 10).counts());
        assertArrayEquals(new int[] {5, 1, 2, 0}, RleCodec.fromCompressedString("512O", 2, 4).counts());
        assertArrayEquals(new int[] {100}, RleCodec.fromCompressedString("T3", 10, 10).counts());
    }

    @Test
    void decodesAStringWrittenByPycocotools() {
        // A 50 x 70 mask as pycocotools encodes it (published in a public README); the runs must cover the image.
        String s = "0g05b08J4M2N2NA^O1`0OCO=0E090H080IO68DH;>@C>a0_O_O`0j0OWOF<:CM72I24NL43JM92FN;1ENKO72L0LO91J0MO92INO"
                + "0NO122OO0M031O000NO31OO11MO40N011MO41MO21L06OL021L06OL021L06OL021L060J040L060J040L060J040L060J040L06"
                + "0J040L060J040L060KO31L060KO31L06OL021L06OL021L06OL021MO41MO21MO40N100NO310O00M0310O00NO1220NO92IONO9"
                + "1KOMO72M0<1EO:2GN63KM34OLM73JF<;=1G_O_Ob0=AC`07EH=1IO71H090F0:1DO>1_O1b0>2N2N3L6H]O";
        Rle rle = RleCodec.fromCompressedString(s, 50, 70);
        int[] counts = rle.counts();
        long odd = 0;
        for (int i = 0; i < counts.length; i++) {
            assertTrue(counts[i] >= 0);
            odd += (i & 1) == 1 ? counts[i] : 0;
        }
        int on = 0;
        for (byte b : rle.decode()) {
            on += b;
        }
        assertEquals(odd, on);
        assertEquals(odd, rle.area());
        assertTrue(on > 0 && on < 50 * 70);
        assertEquals(s, rle.toCompressedString());
    }
}
