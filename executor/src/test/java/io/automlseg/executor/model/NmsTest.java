package io.automlseg.executor.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NmsTest {
    /** Batched NMS keeps exactly what NMS of each key's boxes alone keeps, merged by decreasing score. */
    @Test
    void batchedEqualsNmsPerKeyMergedByScore() {
        Random rng = new Random(11);
        int n = 3000;
        float[] boxes = new float[4 * n];
        float[] scores = new float[n];
        int[] keys = new int[n];
        for (int i = 0; i < n; i++) {
            float x = rng.nextFloat() * 200;
            float y = rng.nextFloat() * 200;
            boxes[4 * i] = x;
            boxes[4 * i + 1] = y;
            boxes[4 * i + 2] = x + 4 + rng.nextFloat() * 60;
            boxes[4 * i + 3] = y + 4 + rng.nextFloat() * 60;
            scores[i] = rng.nextInt(500) / 500f; // with ties, which go to the lower index
            keys[i] = 7 * rng.nextInt(5) - 3;
        }
        List<Integer> expected = new ArrayList<>();
        for (int key : new int[] {-3, 4, 11, 18, 25}) {
            int m = 0;
            int[] index = new int[n];
            for (int i = 0; i < n; i++) {
                if (keys[i] == key) {
                    index[m++] = i;
                }
            }
            float[] own = new float[4 * m];
            float[] ownScores = new float[m];
            for (int j = 0; j < m; j++) {
                System.arraycopy(boxes, 4 * index[j], own, 4 * j, 4);
                ownScores[j] = scores[index[j]];
            }
            for (int j : Nms.nms(own, ownScores, m, 0.5f)) {
                expected.add(index[j]);
            }
        }
        expected.sort((a, b) -> scores[a] != scores[b] ? Float.compare(scores[b], scores[a]) : Integer.compare(a, b));
        int[] kept = Nms.batched(boxes, scores, keys, n, 0.5f);
        assertTrue(kept.length > 500 && kept.length < n - 500, "some but not all boxes suppressed: " + kept.length);
        assertArrayEquals(expected.stream().mapToInt(Integer::intValue).toArray(), kept);
    }
}
