package io.automlseg.driver.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.automlseg.driver.config.BadInputException;
import io.automlseg.executor.data.ImageRecord;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The validation split is a function of seed and image URL only. */
class DatasetSplitTest {

    private static List<ImageRecord> records(int n) {
        List<ImageRecord> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new ImageRecord("file:/data/img" + i + ".jpg", "a.jsonl:" + (i + 1), 10, 10, List.of()));
        }
        return out;
    }

    private static List<String> validationUrls(List<ImageRecord> records, double fraction, long seed)
            throws Exception {
        List<ImageRecord> train = new ArrayList<>();
        List<ImageRecord> validation = new ArrayList<>();
        DatasetPreparer.split(records, fraction, seed, train, validation);
        assertEquals(records.size(), train.size() + validation.size());
        List<String> urls = new ArrayList<>(validation.stream().map(ImageRecord::imageUrl).toList());
        Collections.sort(urls);
        return urls;
    }

    @Test
    void sameSeedSameSplitWhateverTheOrder() throws Exception {
        List<ImageRecord> records = records(500);
        List<String> a = validationUrls(records, 0.2, 47);
        List<ImageRecord> shuffled = new ArrayList<>(records);
        Collections.shuffle(shuffled, new java.util.Random(3));
        assertEquals(a, validationUrls(shuffled, 0.2, 47));
        assertNotEquals(a, validationUrls(records, 0.2, 48));
        assertTrue(a.size() > 70 && a.size() < 130, "about 20% of 500: " + a.size());
    }

    @Test
    void bothSidesGetAnImage() throws Exception {
        assertEquals(1, validationUrls(records(3), 0.01, 1).size());
        assertEquals(2, validationUrls(records(3), 0.99, 1).size());
        assertThrows(BadInputException.class, () -> validationUrls(records(1), 0.2, 1));
    }

    @Test
    void unitHashIsUniformEnough() {
        int below = 0;
        for (int i = 0; i < 10_000; i++) {
            double u = DatasetPreparer.unitHash(5, "img" + i);
            assertTrue(u >= 0 && u < 1);
            below += u < 0.5 ? 1 : 0;
        }
        assertTrue(Math.abs(below - 5000) < 250, "below 0.5: " + below);
    }
}
