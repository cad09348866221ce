package io.automlseg.executor.mask;

import java.util.Arrays;

/** The compressed RLE strings of pycocotools ({@code rleToString} / {@code rleFrString}), as COCO files carry them. */
public final class RleCodec {
    private RleCodec() {}

    /**
     * The compressed string of pycocotools ({@code rleToString}): each count, from the fourth on as the difference
     * to the count two places earlier, written as 5-bit groups with a continuation bit, offset by '0'.
     */
    public static String toCompressedString(Rle rle) {
        int[] counts = rle.runs();
        StringBuilder s = new StringBuilder(counts.length * 2);
        for (int i = 0; i < counts.length; i++) {
            long x = counts[i];
            if (i > 2) {
                x -= counts[i - 2];
            }
            boolean more = true;
            while (more) {
                int c = (int) (x & 0x1f);
                x >>= 5;
                more = (c & 0x10) != 0 ? x != -1 : x != 0;
                if (more) {
                    c |= 0x20;
                }
                s.append((char) (c + 48));
            }
        }
        return s.toString();
    }

    /** Parses a pycocotools compressed string ({@code rleFrString}). */
    public static Rle fromCompressedString(String s, int height, int width) {
        if (height < 0 || width < 0) {
            throw new IllegalArgumentException("RLE size must not be negative: " + height + "x" + width);
        }
        // One pass: decode, check and sum; the array is trimmed once at the end.
        int[] counts = new int[Math.max(4, s.length())];
        int m = 0;
        long total = 0;
        int p = 0;
        int n = s.length();
        while (p < n) {
            long x = 0;
            int k = 0;
            boolean more = true;
            while (more) {
                if (p >= n) {
                    throw new IllegalArgumentException("truncated compressed RLE string at character " + p);
                }
                int c = s.charAt(p) - 48;
                if (c < 0 || c > 63) {
                    throw new IllegalArgumentException(
                            "invalid character '" + s.charAt(p) + "' in compressed RLE string at position " + p);
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
            if (x < 0 || x > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("RLE counts must be non-negative, got " + x);
            }
            counts[m++] = (int) x;
            total += x;
        }
        if (total != (long) height * width) {
            throw new IllegalArgumentException(
                    "RLE counts sum to " + total + " but the mask has " + height + "x" + width + " pixels");
        }
        return Rle.ofValidCounts(height, width, Arrays.copyOf(counts, m));
    }
}
