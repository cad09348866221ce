package io.automlseg.executor.data;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelSetTest {
    private static ObjectAnnotation obj(String label, boolean crowd) {
        return new ObjectAnnotation(label, crowd, List.of(new double[] {0.1, 0.1, 0.5, 0.1, 0.5, 0.5}));
    }

    @Test
    void labelsAreSortedDistinctAndIndexedFromOne() {
        List<ImageRecord> rs = List.of(
                new ImageRecord("u", "t.jsonl:1", 0, 0, List.of(obj("milk", false), obj("can", false))),
                new ImageRecord("u", "t.jsonl:2", 0, 0, List.of(obj("carton", true), obj("can", false))));
        List<String> labels = LabelSet.labels(rs);
        assertEquals(List.of("can", "carton", "milk"), labels);
        assertEquals(Map.of("can", 1, "carton", 2, "milk", 3), LabelSet.index(labels));
        assertThrows(IllegalArgumentException.class, () -> LabelSet.index(List.of("a", "a")));
    }

    @Test
    void unseenValidationLabelsNameFileLineAndField() {
        List<ImageRecord> validation = List.of(
                new ImageRecord("u", "val/v.jsonl:1", 0, 0, List.of(obj("can", false))),
                new ImageRecord("u", "val/v.jsonl:2", 0, 0, List.of(obj("can", false), obj("jar", false), obj("cup", true))));
        assertDoesNotThrow(() -> LabelSet.checkKnown(List.of("can", "cup", "jar"), validation, "label"));
        DataError e = assertThrows(DataError.class, () -> LabelSet.checkKnown(List.of("can"), validation, "label"));
        assertEquals(2, e.total());
        assertTrue(e.getMessage().contains("val/v.jsonl line 2, field label[1].label: label 'jar' does not occur in the"
                + " training data (training labels: can)"), e.getMessage());
        assertTrue(e.getMessage().contains("val/v.jsonl line 2, field label[2].label: label 'cup'"), e.getMessage());
    }
}
