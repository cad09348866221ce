package io.automlseg.executor.mask;

import java.util.List;

/** Set operations on RLE masks as pycocotools' maskApi: intersection area, IoU, union and symmetric difference. */
public final class RleOverlap {
    private RleOverlap() {}

    /** Pixels in both masks. */
    public static long intersectionArea(Rle first, Rle other) {
        first.checkSameSize(other);
        int[] a = first.runs();
        int[] b = other.runs();
        if (a.length == 0 || b.length == 0) {
            return 0;
        }
        int ia = 0;
        int ib = 0;
        long ra = a[0];
        long rb = b[0];
        boolean va = false;
        boolean vb = false;
        long intersection = 0;
        while (true) {
            long step = Math.min(ra, rb);
            if (va && vb) {
                intersection += step;
            }
            ra -= step;
            rb -= step;
            if (ra == 0) {
                if (++ia == a.length) {
                    break;
                }
                ra = a[ia];
                va = !va;
            }
            if (rb == 0) {
                if (++ib == b.length) {
                    break;
                }
                rb = b[ib];
                vb = !vb;
            }
        }
        return intersection;
    }

    /**
     * Mask IoU of a detection with a ground truth as pycocotools' {@code iou}: intersection over union, or over the
     * detection's area when the ground truth is a crowd region. Pairs whose boxes do not overlap, and empty masks,
     * give 0.
     */
    public static double iou(Rle detection, Rle groundTruth, boolean crowd) {
        detection.checkSameSize(groundTruth);
        int[] d = detection.box();
        int[] g = groundTruth.box();
        // Quick reject on boxes: most pairs in an image do not touch.
        if (d[2] <= g[0] || g[2] <= d[0] || d[3] <= g[1] || g[3] <= d[1]) {
            return 0;
        }
        long intersection = intersectionArea(detection, groundTruth);
        if (intersection == 0) {
            return 0;
        }
        long union = crowd ? detection.area() : detection.area() + groundTruth.area() - intersection;
        return (double) intersection / union;
    }

    /** Union of masks of one size (pycocotools {@code merge} without intersect). */
    public static Rle union(List<Rle> masks) {
        if (masks.isEmpty()) {
            throw new IllegalArgumentException("union of no masks");
        }
        Rle result = masks.get(0);
        for (int i = 1; i < masks.size(); i++) {
            result = combine(result, masks.get(i), false);
        }
        return result;
    }

    /** Symmetric difference, as the reference's mask tools combine the segments of one polygon instance. */
    public static Rle xor(Rle a, Rle b) {
        return combine(a, b, true);
    }

    private static Rle combine(Rle first, Rle second, boolean exclusive) {
        first.checkSameSize(second);
        int[] a = first.runs();
        int[] b = second.runs();
        IntBuffer out = new IntBuffer(Math.max(a.length, b.length) + 2);
        if (a.length == 0 || b.length == 0) {
            return Rle.ofValidCounts(first.height(), first.width(), (a.length == 0 ? b : a).clone());
        }
        int ia = 0;
        int ib = 0;
        long ra = a[0];
        long rb = b[0];
        boolean va = false;
        boolean vb = false;
        boolean current = false;
        long run = 0;
        while (true) {
            long step = Math.min(ra, rb);
            if (step > 0) {
                boolean on = exclusive ? va ^ vb : va | vb;
                if (on != current) {
                    out.add((int) run);
                    run = 0;
                    current = on;
                }
                run += step;
            }
            ra -= step;
            rb -= step;
            boolean endA = false;
            boolean endB = false;
            if (ra == 0) {
                if (++ia == a.length) {
                    endA = true;
                } else {
                    ra = a[ia];
                    va = !va;
                }
            }
            if (rb == 0) {
                if (++ib == b.length) {
                    endB = true;
                } else {
                    rb = b[ib];
                    vb = !vb;
                }
            }
            if (endA || endB) {
                break;
            }
        }
        out.add((int) run);
        return Rle.ofValidCounts(first.height(), first.width(), out.toArray());
    }
}
