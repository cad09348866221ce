package io.automlseg.executor.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.automlseg.executor.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MLTableLineTest {
    private static final MLTableLine LINE = new MLTableLine("images/a.png", new MLTableLine.ImageDetails("png", 40, 20),
            List.of(MLTableLine.Label.of("cat", true, List.of(new double[] {0.1, 0.2, 0.5, 0.2, 0.5, 0.75})),
                    MLTableLine.Label.of("dog", false, List.of(new double[] {0, 0, 1, 0, 1, 1},
                            new double[] {0.25, 0.25, 0.5, 0.25, 0.5, 0.5}))));

    /** The reference's field names and order, compact: files written before stay byte for byte the same. */
    @Test
    void writesTheReferenceFieldsInTheirOrder() {
        assertEquals("{\"image_url\":\"images/a.png\",\"image_details\":{\"format\":\"png\",\"width\":40,\"height\":20},"
                + "\"label\":[{\"label\":\"cat\",\"isCrowd\":1,\"polygon\":[[0.1,0.2,0.5,0.2,0.5,0.75]]},"
                + "{\"label\":\"dog\",\"isCrowd\":0,\"polygon\":[[0.0,0.0,1.0,0.0,1.0,1.0],[0.25,0.25,0.5,0.25,0.5,0.5]]}]}",
                Json.line(LINE));
    }

    @Test
    void whatIsWrittenTheTrialsReaderReadsBack(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("images"));
        Files.writeString(dir.resolve("annotations.jsonl"), Json.line(LINE) + "\n");
        Files.writeString(dir.resolve(MLTable.FILE_NAME), "paths:\n  - file: ./annotations.jsonl\n"
                + "transformations:\n  - read_json_lines:\n      encoding: utf8\n      invalid_lines: error\n");
        LoadedDataset data = MLTableReader.read(dir.toString(), LoadOptions.validation());
        ImageRecord record = data.records().get(0);
        assertTrue(record.imageUrl().endsWith("images/a.png"), record.imageUrl());
        assertEquals(40, record.width());
        assertEquals(20, record.height());
        assertEquals(2, record.objects().size());
        assertTrue(record.objects().get(0).crowd());
        assertEquals("dog", record.objects().get(1).label());
        assertArrayEquals(new double[] {0.25, 0.25, 0.5, 0.25, 0.5, 0.5}, record.objects().get(1).polygons().get(1));
    }
}
