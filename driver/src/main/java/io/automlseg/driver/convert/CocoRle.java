package io.automlseg.driver.convert;

/**
 * COCO run-length encoded masks. Runs alternate background/foreground starting with background, over the pixels in
 * column-major order (down each column, then the next column). The compressed string form stores each run in
 * 5-bit groups, one character (offset 48) per group, bit 0x20 meaning "more groups follow" and the last group's
 * bit 0x10 the sign; from the fourth run on, the value stored is the difference to the run two places earlier.
 */
final class CocoRle {
    private CocoRle() {}

    /** The runs of a compressed counts string. */
    static long[] countsFromString(String s) {
        long[] counts = new long[s.length()];
        int m = 0;
        int p = 0;
        while (p < s.length()) {
            long x = 0;
            int k = 0;
            boolean more = true;
            while (more) {
                if (p >= s.length()) {
                    throw new IllegalArgumentException("compressed counts end in the middle of a run");
                }
                int c = s.charAt(p) - 48;
                if (c < 0 || c > 63) {
                    throw new IllegalArgumentException("character '" + s.charAt(p) + "' at " + p
                            + " is not part of the compressed RLE alphabet");
                }
                x |= (long) (c & 0x1f) << (5 * k);
                more = (c & 0x20) != 0;
                p++;
                k++;
                if (!more && (c & 0x10) != 0) {
                    x |= -1L << (5 * k);
                }
            }
            if (m > 2) {
                x += counts[m - 2];
            }
            counts[m++] = x;
        }
        return java.util.Arrays.copyOf(counts, m);
    }

    /** The mask of the runs, row-major {@code boolean[height * width]}; the runs must cover it exactly. */
    static boolean[] decode(long[] counts, int height, int width) {
        long total = 0;
        for (long c : counts) {
            if (c < 0) {
                throw new IllegalArgumentException("negative run length " + c);
            }
            total += c;
        }
        if (total != (long) height * width) {
            throw new IllegalArgumentException("runs cover " + total + " pixels but size " + height + "x" + width
                    + " has " + (long) height * width);
        }
        boolean[] mask = new boolean[height * width];
        int pos = 0;
        boolean value = false;
        for (long c : counts) {
            if (value) {
                for (int i = pos; i < pos + c; i++) {
                    int x = i / height, y = i % height;
                    mask[y * width + x] = true;
                }
            }
            pos += (int) c;
            value = !value;
        }
        return mask;
    }
}
