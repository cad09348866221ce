package io.automlseg.executor.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class DataErrorTest {
    @Test
    void oneProblemIsOneLine() {
        DataProblem p = new DataProblem("train.jsonl", 12, "label[3].polygon[0]", DataProblem.Kind.ODD_VALUES,
                "odd number of values (7)");
        assertEquals("train.jsonl line 12, field label[3].polygon[0]: odd number of values (7)", new DataError(p).getMessage());
        assertEquals("ds/MLTable field paths: missing",
                new DataProblem("ds/MLTable", 0, "paths", DataProblem.Kind.BAD_MLTABLE, "missing").toString());
        assertEquals("t.jsonl: empty", new DataProblem("t.jsonl", 0, null, DataProblem.Kind.EMPTY_FILE, "empty").toString());
        assertEquals(p.toString(), DataProblem.atSource("train.jsonl:12", "label[3].polygon[0]", DataProblem.Kind.ODD_VALUES,
                "odd number of values (7)").toString());
    }

    @Test
    void survivesJavaSerialisation() throws Exception {
        DataError e = new DataError(List.of(
                new DataProblem("a.jsonl", 1, "image_url", DataProblem.Kind.MISSING_IMAGE_URL, "missing"),
                new DataProblem("a.jsonl", 2, "label", DataProblem.Kind.MISSING_LABELS, "missing")), 5);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(e);
        }
        DataError back;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            back = (DataError) in.readObject();
        }
        assertEquals(e.getMessage(), back.getMessage());
        assertEquals(e.problems(), back.problems());
        assertEquals(5, back.total());
        assertEquals("5 data problems (first 2 shown):\n  a.jsonl line 1, field image_url: missing\n"
                + "  a.jsonl line 2, field label: missing\n  ... and 3 more", e.getMessage());
    }
}
