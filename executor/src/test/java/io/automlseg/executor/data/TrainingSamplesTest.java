package io.automlseg.executor.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.automlseg.executor.mask.PolygonRaster;
import io.automlseg.executor.mask.Rle;
import io.automlseg.executor.model.InputImage;
import io.automlseg.executor.model.TrainingTarget;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingSamplesTest {
    private static final Map<String, Integer> INDEX = LabelSet.index(List.of("can", "milk"));

    @TempDir
    Path tmp;

    private static ObjectAnnotation square(String label, boolean crowd, double x1, double y1, double x2, double y2) {
        return new ObjectAnnotation(label, crowd, List.of(new double[] {x1, y1, x1, y2, x2, y2, x2, y1}));
    }

    @Test
    void targetsFollowTheReference() {
        ObjectAnnotation milk = square("milk", false, 0.25, 0.5, 0.75, 1.0);
        ImageRecord r = new ImageRecord("file:/x.png", "ds/t.jsonl:3", 8, 4, List.of(
                square("can", true, 0, 0, 0.5, 0.5), // crowd: not a target
                milk,
                new ObjectAnnotation("can", false, List.of(new double[] {0, 0, 0.25, 0, 0, 0.5}, new double[] {0.75, 0, 1, 0, 1, 0.5}))));
        TrainingTarget t = TrainingSamples.target(r, 4, 8, INDEX);
        assertEquals(2, t.size());
        assertArrayEquals(new int[] {2, 1}, t.labels());
        assertArrayEquals(new float[] {2, 2, 6, 4}, t.boxes()[0]);
        // the box spans both parts
        assertArrayEquals(new float[] {0, 0, 8, 2}, t.boxes()[1]);
        assertArrayEquals(PolygonRaster.fromNormalizedPolygons(milk.polygons(), 4, 8).decode(), t.masks()[0]);
        int on = 0;
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 8; x++) {
                byte v = t.masks()[0][y * 8 + x];
                assertEquals(x >= 2 && x < 6 && y >= 2 ? 1 : 0, v, "pixel " + x + "," + y);
                on += v;
            }
        }
        assertEquals(8, on);
        assertTrue(TrainingSamples.isTrainable(t));

        DataError e = assertThrows(DataError.class,
                () -> TrainingSamples.target(r, 4, 8, LabelSet.index(List.of("milk"))));
        assertTrue(e.getMessage().startsWith("ds/t.jsonl line 3, field label[2].label: label 'can'"), e.getMessage());
    }

    /** Training masks follow the reference (and validation): overlapping parts of one object cut a hole. */
    @Test
    void overlappingPartsAreXoredAsInValidation() {
        // 8 x 8 image; parts [0,4]x[0,4] and [2,6]x[2,6] in pixels overlap on [2,4]x[2,4].
        ObjectAnnotation o = new ObjectAnnotation("can", false, List.of(
                new double[] {0, 0, 0.5, 0, 0.5, 0.5, 0, 0.5}, new double[] {0.25, 0.25, 0.75, 0.25, 0.75, 0.75, 0.25, 0.75}));
        ImageRecord r = new ImageRecord("file:/x.png", "t:1", 8, 8, List.of(o));
        byte[] mask = TrainingSamples.target(r, 8, 8, INDEX).masks()[0];
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                boolean inFirst = x < 4 && y < 4;
                boolean inSecond = x >= 2 && x < 6 && y >= 2 && y < 6;
                assertEquals(inFirst ^ inSecond ? 1 : 0, mask[y * 8 + x], "pixel " + x + "," + y);
            }
        }
        assertEquals(16 + 16 - 2 * 4, sum(mask));
        assertArrayEquals(PolygonRaster.fromNormalizedPolygons(o.polygons(), 8, 8).decode(), mask);
    }

    @Test
    void tinyObjectsAreNotTrainable() {
        ImageRecord r = new ImageRecord("file:/x.png", "t:1", 0, 0, List.of(square("can", false, 0.1, 0.1, 0.15, 0.4)));
        // 0.05 of 10 pixels wide: a box, but not wider than one pixel
        TrainingTarget t = TrainingSamples.target(r, 10, 10, INDEX);
        assertEquals(1, t.size());
        assertFalse(TrainingSamples.isTrainable(t));
        assertFalse(TrainingSamples.isTrainable(TrainingSamples.target(
                new ImageRecord("file:/x.png", "t:1", 0, 0, List.of()), 10, 10, INDEX)));
    }

    @Test
    void loadDecodesTheImage() {
        Path dir = TestData.validMLTable(tmp.resolve("ds"), 1);
        ImageRecord r = MLTableReader.read(dir.toString(), LoadOptions.validation()).records().get(0);
        TrainingSample s = TrainingSamples.load(r, INDEX);
        assertEquals(6, s.image().height());
        assertEquals(8, s.image().width());
        assertEquals(1, s.target().size());
        assertEquals(6 * 8, s.target().masks()[0].length);
        float[] box = s.target().boxes()[0];
        assertArrayEquals(new float[] {0.1f * 8, 0.1f * 6, 0.8f * 8, 0.9f * 6}, box, 1e-5f);
    }

    @Test
    void horizontalFlipMirrorsEverything() {
        int h = 3;
        int w = 5;
        float[] chw = new float[3 * h * w];
        for (int i = 0; i < chw.length; i++) {
            chw[i] = i;
        }
        byte[] mask = new byte[h * w];
        mask[0] = 1; // (0,0)
        mask[w + 1] = 1; // (1,1)
        TrainingSample s = new TrainingSample(new InputImage(chw, h, w),
                new TrainingTarget(new float[][] {{0.5f, 0, 2, 2}}, new int[] {1}, new byte[][] {mask}));
        TrainingSample f = TrainingSamples.flipHorizontal(s);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    assertEquals(chw[c * h * w + y * w + (w - 1 - x)], f.image().chw()[c * h * w + y * w + x]);
                }
            }
        }
        assertArrayEquals(new float[] {3, 0, 4.5f, 2}, f.target().boxes()[0]);
        assertEquals(1, f.target().masks()[0][w - 1]);
        assertEquals(1, f.target().masks()[0][w + w - 2]);
        assertEquals(2, sum(f.target().masks()[0]));
        assertArrayEquals(new int[] {1}, f.target().labels());
        // twice is the identity, and the input is untouched
        TrainingSample back = TrainingSamples.flipHorizontal(f);
        assertArrayEquals(chw, back.image().chw());
        assertArrayEquals(mask, back.target().masks()[0]);
        assertArrayEquals(new float[] {0.5f, 0, 2, 2}, back.target().boxes()[0]);
        assertEquals(0f, s.image().chw()[0]);
    }

    @Test
    void flippedMaskMatchesTheFlippedBox() {
        ObjectAnnotation o = new ObjectAnnotation("can", false, List.of(new double[] {0.1, 0.2, 0.6, 0.3, 0.3, 0.9}));
        ImageRecord r = new ImageRecord("file:/x.png", "t:1", 0, 0, List.of(o));
        int h = 20;
        int w = 30;
        TrainingSample s = new TrainingSample(new InputImage(new float[3 * h * w], h, w), TrainingSamples.target(r, h, w, INDEX));
        TrainingSample f = TrainingSamples.flipHorizontal(s);
        float[] box = f.target().boxes()[0];
        byte[] m = f.target().masks()[0];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (m[y * w + x] == 1) {
                    assertTrue(x + 0.5 >= box[0] && x + 0.5 <= box[2] && y + 0.5 >= box[1] && y + 0.5 <= box[3],
                            "mask pixel " + x + "," + y + " outside the flipped box");
                }
            }
        }
        assertEquals(sum(s.target().masks()[0]), sum(m));
    }

    @Test
    void randomFlipIsSeeded() {
        TrainingSample s = new TrainingSample(new InputImage(new float[] {1, 2, 3, 4, 5, 6}, 1, 2),
                new TrainingTarget(new float[0][], new int[0], new byte[0][]));
        assertSame(s, TrainingSamples.randomFlip(s, new Random(1), 0));
        assertNotSame(s, TrainingSamples.randomFlip(s, new Random(1), 1));
        Random a = new Random(42);
        Random b = new Random(42);
        int flips = 0;
        for (int i = 0; i < 200; i++) {
            TrainingSample x = TrainingSamples.randomFlip(s, a, 0.5);
            TrainingSample y = TrainingSamples.randomFlip(s, b, 0.5);
            assertArrayEquals(x.image().chw(), y.image().chw());
            flips += x == s ? 0 : 1;
        }
        assertTrue(flips > 60 && flips < 140, "flips " + flips);
    }

    private static int sum(byte[] m) {
        int s = 0;
        for (byte b : m) {
            s += b;
        }
        return s;
    }
}
