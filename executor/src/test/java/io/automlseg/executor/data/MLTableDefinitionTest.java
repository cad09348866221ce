package io.automlseg.executor.data;

import static io.automlseg.executor.data.TestData.line;
import static io.automlseg.executor.data.TestData.triangle;
import static io.automlseg.executor.data.MLTableReaderTest.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The MLTable file itself: its paths (file, folder, pattern), its transformations and conversions, and its errors. */
class MLTableDefinitionTest {
    private static final String PNG0 = "images/0.png";
    private static final LoadOptions ANY = LoadOptions.training().withMinImages(1);

    @TempDir
    Path tmp;

    @Test
    void folderAndPatternPaths() throws Exception {
        Path dir = tmp.resolve("ds");
        TestData.image(dir.resolve(PNG0), 8, 6);
        TestData.writeLines(dir.resolve("data/a.jsonl"), List.of(line(PNG0, "can", triangle())), StandardCharsets.UTF_8);
        TestData.writeLines(dir.resolve("data/sub/b.jsonl"), List.of(line(PNG0, "milk", triangle()),
                line(PNG0, "milk", triangle())), StandardCharsets.UTF_8);
        TestData.writeLines(dir.resolve("data/notes.txt"), List.of(line(PNG0, "jar", triangle())), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("data/_SUCCESS"), "");
        String transforms = TestData.STANDARD_MLTABLE.substring(TestData.STANDARD_MLTABLE.indexOf("transformations:"));

        Files.writeString(dir.resolve("MLTable"), "paths:\n  - folder: ./data\n" + transforms);
        LoadedDataset all = MLTableReader.read(dir.toString(), ANY);
        assertEquals(List.of("can", "jar", "milk", "milk"),
                all.records().stream().map(r -> r.objects().get(0).label()).sorted().toList());
        assertTrue(all.records().stream().anyMatch(r -> r.source().equals("ds/data/sub/b.jsonl:2")));

        Files.writeString(dir.resolve("MLTable"), "paths:\n  - pattern: ./data/*.jsonl\n" + transforms);
        assertEquals(1, MLTableReader.read(dir.toString(), ANY).records().size());

        Files.writeString(dir.resolve("MLTable"), "paths:\n  - pattern: ./data/*.jsonl\n  - file: data/a.jsonl\n" + transforms);
        // a.jsonl named twice is read once
        assertEquals(1, MLTableReader.read(dir.toString(), ANY).records().size());

        Files.writeString(dir.resolve("MLTable"), "paths:\n  - pattern: ./data/*/*.jsonl\n  - file: data/a.jsonl\n" + transforms);
        assertEquals(3, MLTableReader.read(dir.toString(), ANY).records().size());

        Files.writeString(dir.resolve("MLTable"), "paths:\n  - pattern: ./nothing/*.jsonl\n  - file: ./missing.jsonl\n"
                + "  - folder: ./nofolder\n" + transforms);
        DataError e = assertThrows(DataError.class, () -> MLTableReader.read(dir.toString(), ANY));
        assertProblem(e, 0, "paths[0].pattern", DataProblem.Kind.MISSING_FILE, "matches no file");
        assertProblem(e, 0, "paths[1].file", DataProblem.Kind.MISSING_FILE, "'./missing.jsonl' does not exist");
        assertProblem(e, 0, "paths[2].folder", DataProblem.Kind.MISSING_FILE, "does not exist");
        assertTrue(e.getMessage().contains("ds/MLTable field paths[1].file"), e.getMessage());
    }

    @Test
    void missingMLTableFileNamesTheFolder() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("empty-folder"));
        DataError e = assertThrows(DataError.class, () -> MLTableReader.read(dir.toString(), ANY));
        assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("'MLTable'"), e.getMessage());
        assertEquals(DataProblem.Kind.MISSING_MLTABLE, e.problems().get(0).kind());

        DataError gone = assertThrows(DataError.class, () -> MLTableReader.read(tmp.resolve("nope").toString(), ANY));
        assertTrue(gone.getMessage().contains("does not exist"), gone.getMessage());

        DataError azure = assertThrows(DataError.class, () -> MLTableReader.read("azureml://datastores/d/paths/train", ANY));
        assertTrue(azure.getMessage().startsWith("azureml://datastores/d/paths/train: "), azure.getMessage());
        assertTrue(azure.getMessage().contains("Azure ML datastore URI"), azure.getMessage());
    }

    @Test
    void invalidMLTableDefinitions() throws Exception {
        Path dir = TestData.validMLTable(tmp.resolve("ds"), 2);
        Files.writeString(dir.resolve("MLTable"), TestData.STANDARD_MLTABLE
                .replace("paths:", "colour: blue\npaths:")
                .replace("include_path_column: false", "include_path_column: false\n      delimiter: ','")
                .replace("invalid_lines: error", "invalid_lines: maybe")
                .replace("encoding: utf8", "encoding: ebcdic")
                + "  - take: 5\n");
        DataError e = assertThrows(DataError.class, () -> MLTableReader.read(dir.toString(), ANY));
        assertProblem(e, 0, "colour", DataProblem.Kind.BAD_MLTABLE, "unknown key 'colour'");
        assertProblem(e, 0, "transformations[0].read_json_lines.delimiter", DataProblem.Kind.BAD_MLTABLE, "unknown option");
        assertProblem(e, 0, "transformations[0].read_json_lines.invalid_lines", DataProblem.Kind.BAD_MLTABLE, "'maybe'");
        assertProblem(e, 0, "transformations[0].read_json_lines.encoding", DataProblem.Kind.BAD_MLTABLE, "'ebcdic'");
        assertProblem(e, 0, "transformations[2].take", DataProblem.Kind.BAD_MLTABLE, "unsupported transformation 'take'");
        assertTrue(e.getMessage().contains("ds/MLTable field colour: unknown key"), e.getMessage());

        Files.writeString(dir.resolve("MLTable"), "paths:\n  - file: [unclosed\n");
        DataError yaml = assertThrows(DataError.class, () -> MLTableReader.read(dir.toString(), ANY));
        assertTrue(yaml.getMessage().startsWith("ds/MLTable line "), yaml.getMessage());
        assertTrue(yaml.getMessage().contains("not valid YAML"), yaml.getMessage());

        Files.writeString(dir.resolve("MLTable"), "paths:\n  - file: ./train_annotations.jsonl\n");
        assertProblem(assertThrows(DataError.class, () -> MLTableReader.read(dir.toString(), ANY)),
                0, "transformations", DataProblem.Kind.BAD_MLTABLE, "read_json_lines");

        Files.writeString(dir.resolve("MLTable"), "paths:\n  - file: ./train_annotations.jsonl\ntransformations:\n"
                + "  - read_delimited:\n      delimiter: ','\n");
        assertProblem(assertThrows(DataError.class, () -> MLTableReader.read(dir.toString(), ANY)),
                0, "transformations[0].read_delimited", DataProblem.Kind.BAD_MLTABLE, "must be JSON lines");
    }

    @Test
    void conversionForms() throws Exception {
        Path dir = TestData.validMLTable(tmp.resolve("ds"), 2);
        String head = "paths:\n  - file: ./train_annotations.jsonl\ntransformations:\n  - read_json_lines\n";
        for (String conversion : List.of(
                "  - convert_column_types:\n      - columns: image_url\n        column_type: stream_info\n",
                "  - convert_column_types:\n      columns: image_url\n      column_type: stream_info\n",
                "  - convert_column_types:\n      - columns: [image_url, extra]\n        column_type: stream_info\n",
                "  - convert_column_types:\n      - columns: image_url\n        column_type:\n          stream_info: {}\n"
                        + "      - columns: score\n        column_type: float\n")) {
            Files.writeString(dir.resolve("MLTable"), head + conversion);
            MLTable table = MLTable.read(dir.toString());
            assertTrue(table.streamInfoColumns().contains("image_url"), conversion);
            assertEquals(2, MLTableReader.read(dir.toString(), ANY).records().size());
        }
        Files.writeString(dir.resolve("MLTable"), head
                + "  - convert_column_types:\n      - columns: image_url\n        column_type: int\n"
                + "      - columns: x\n        column_type: colour\n");
        DataError e = assertThrows(DataError.class, () -> MLTableReader.read(dir.toString(), ANY));
        assertProblem(e, 0, "transformations[1].convert_column_types[0].column_type", DataProblem.Kind.BAD_MLTABLE,
                "image_url must be converted to stream_info");
        assertProblem(e, 0, "transformations[1].convert_column_types[1].column_type", DataProblem.Kind.BAD_MLTABLE,
                "unknown column type 'colour'");
    }
}
