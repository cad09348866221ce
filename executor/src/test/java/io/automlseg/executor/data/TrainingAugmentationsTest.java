package io.automlseg.executor.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.automlseg.executor.model.InputImage;
import io.automlseg.executor.model.TrainingTarget;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The reference product's crop and expand keep image, boxes and masks in one frame. */
class TrainingAugmentationsTest {

    /** A {@code w x h} image whose every value says where it came from, with rectangular objects {x1, y1, x2, y2}. */
    private static TrainingSample sample(int w, int h, int[][] rects) {
        float[] chw = new float[3 * w * h];
        for (int i = 0; i < chw.length; i++) {
            chw[i] = i + 1;
        }
        float[][] boxes = new float[rects.length][];
        int[] labels = new int[rects.length];
        byte[][] masks = new byte[rects.length][];
        for (int o = 0; o < rects.length; o++) {
            int[] r = rects[o];
            boxes[o] = new float[] {r[0], r[1], r[2], r[3]};
            labels[o] = o + 1;
            masks[o] = new byte[w * h];
            for (int y = r[1]; y < r[3]; y++) {
                for (int x = r[0]; x < r[2]; x++) {
                    masks[o][y * w + x] = 1;
                }
            }
        }
        return new TrainingSample(new InputImage(chw, h, w), new TrainingTarget(boxes, labels, masks));
    }

    /** Every box lies in the image and is exactly its (rectangular) mask's extent. */
    private static void assertConsistent(TrainingSample s) {
        int w = s.image().width();
        int h = s.image().height();
        TrainingTarget t = s.target();
        for (int o = 0; o < t.size(); o++) {
            byte[] m = t.masks()[o];
            assertEquals(w * h, m.length);
            int minX = w, minY = h, maxX = -1, maxY = -1;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    if (m[y * w + x] != 0) {
                        minX = Math.min(minX, x);
                        minY = Math.min(minY, y);
                        maxX = Math.max(maxX, x);
                        maxY = Math.max(maxY, y);
                    }
                }
            }
            assertArrayEquals(new float[] {minX, minY, maxX + 1, maxY + 1}, t.boxes()[o], "object " + o);
        }
    }

    private static float pixel(InputImage img, int c, int x, int y) {
        return img.chw()[(c * img.height() + y) * img.width() + x];
    }

    @Test
    void expandPlacesTheImageOnAMeanCanvas() {
        TrainingSample s = sample(10, 8, new int[][] {{1, 2, 4, 6}, {6, 0, 10, 3}});
        TrainingSample e = TrainingSamples.expand(s, 20, 16, 3, 5);
        assertEquals(20, e.image().width());
        assertEquals(16, e.image().height());
        assertConsistent(e);
        assertArrayEquals(new float[] {4, 7, 7, 11}, e.target().boxes()[0]);
        assertArrayEquals(new float[] {9, 5, 13, 8}, e.target().boxes()[1]);
        for (int c = 0; c < 3; c++) {
            assertEquals(TrainingSamples.MEAN_COLOUR[c], pixel(e.image(), c, 0, 0));
            assertEquals(TrainingSamples.MEAN_COLOUR[c], pixel(e.image(), c, 19, 15));
            assertEquals(pixel(s.image(), c, 0, 0), pixel(e.image(), c, 3, 5));
            assertEquals(pixel(s.image(), c, 9, 7), pixel(e.image(), c, 12, 12));
        }
    }

    @Test
    void cropDropsObjectsCutAwayAndClipsTheOthers() {
        TrainingSample s = sample(12, 10, new int[][] {{0, 0, 3, 3}, {5, 4, 11, 9}, {4, 4, 6, 6}});
        TrainingSample c = TrainingSamples.crop(s, 4, 3, 5, 5); // x 4..9, y 3..8
        assertEquals(5, c.image().width());
        assertEquals(5, c.image().height());
        assertArrayEquals(new int[] {2, 3}, c.target().labels(), "the object outside the window is gone");
        assertArrayEquals(new float[] {1, 1, 5, 5}, c.target().boxes()[0], "cut at the window's edge");
        assertArrayEquals(new float[] {0, 1, 2, 3}, c.target().boxes()[1]);
        assertConsistent(c);
        assertEquals(pixel(s.image(), 1, 4, 3), pixel(c.image(), 1, 0, 0));
        assertEquals(pixel(s.image(), 2, 8, 7), pixel(c.image(), 2, 4, 4));
        assertNull(TrainingSamples.crop(s, 7, 0, 5, 3), "no object left: no crop");
    }

    @Test
    void randomCropsKeepEveryObjectAndAtLeastSixtyPercent() {
        TrainingSample s = sample(40, 30, new int[][] {{10, 8, 18, 16}, {20, 12, 27, 20}});
        int changed = 0;
        Random random = new Random(3);
        for (int i = 0; i < 200; i++) {
            TrainingSample c = TrainingSamples.randomCropAroundObjects(s, random);
            int w = c.image().width();
            int h = c.image().height();
            assertArrayEquals(new int[] {1, 2}, c.target().labels());
            assertConsistent(c);
            assertTrue(w * h >= 0.6 * 40 * 30, w + "x" + h);
            assertTrue(h < 2.0 * w && h > 0.5 * w, w + "x" + h);
            // The crop's origin, from the first box's shift, maps the pixels back.
            int left = 10 - (int) c.target().boxes()[0][0];
            int top = 8 - (int) c.target().boxes()[0][1];
            assertEquals(pixel(s.image(), 0, left, top), pixel(c.image(), 0, 0, 0));
            assertEquals(pixel(s.image(), 2, left + w - 1, top + h - 1), pixel(c.image(), 2, w - 1, h - 1));
            if (w != 40 || h != 30) {
                changed++;
            }
        }
        assertTrue(changed > 150, "crops that changed the image: " + changed);
    }

    @Test
    void augmentIsSeededAndAlwaysConsistent() {
        TrainingSample s = sample(40, 30, new int[][] {{10, 8, 18, 16}, {20, 12, 27, 20}});
        int smaller = 0;
        int larger = 0;
        int flipped = 0;
        Random first = new Random(11);
        Random second = new Random(11);
        for (int i = 0; i < 100; i++) {
            TrainingSample a = TrainingSamples.augment(s, first);
            TrainingSample b = TrainingSamples.augment(s, second);
            assertArrayEquals(a.image().chw(), b.image().chw());
            assertConsistent(a);
            assertEquals(2, a.target().size());
            long area = (long) a.image().width() * a.image().height();
            smaller += area < 1200 ? 1 : 0;
            larger += area > 1200 ? 1 : 0;
            // Without a flip the first object stays left of the second.
            flipped += a.target().boxes()[0][0] > a.target().boxes()[1][0] ? 1 : 0;
        }
        // Each happens about a quarter / half of the time.
        assertTrue(smaller > 10 && larger > 10 && flipped > 30, smaller + " " + larger + " " + flipped);
    }
}
