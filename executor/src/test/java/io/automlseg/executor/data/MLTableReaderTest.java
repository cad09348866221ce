package io.automlseg.executor.data;

import static io.automlseg.executor.data.TestData.line;
import static io.automlseg.executor.data.TestData.triangle;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MLTableReaderTest {
    private static final String FILE = "ds/train_annotations.jsonl";
    private static final String PNG0 = "images/0.png";
    private static final LoadOptions ANY = LoadOptions.training().withMinImages(1);

    @TempDir
    Path tmp;

    @Test
    void readsAStandardMLTable() throws Exception {
        Path dir = TestData.validMLTable(tmp.resolve("ds"), 12);
        LoadedDataset data = MLTableReader.read(dir.toString(), LoadOptions.training());
        assertEquals(12, data.records().size());
        assertTrue(data.report().isEmpty());
        ImageRecord r = data.records().get(3);
        assertEquals("file:" + dir.resolve("images/3.png"), r.imageUrl());
        assertEquals(FILE + ":4", r.source());
        assertEquals(0, r.width());
        assertEquals(1, r.objects().size());
        ObjectAnnotation o = r.objects().get(0);
        assertEquals("milk", o.label());
        assertFalse(o.crowd());
        assertArrayEquals(triangle(), o.polygons().get(0));
        assertEquals("file:" + dir, data.folder());
        // the MLTable file itself names its folder too
        assertEquals(12, MLTableReader.read(dir.resolve("MLTable").toString(), LoadOptions.training()).records().size());
    }

    @Test
    void imageUrlsRelativeAbsoluteAndWithScheme() throws Exception {
        Path other = TestData.image(tmp.resolve("elsewhere/pic.png"), 4, 4);
        Path dir = TestData.mltable(tmp.resolve("ds"), List.of(
                line(PNG0, "can", triangle()),
                line("./images/0.png", "can", triangle()),
                line("../elsewhere/pic.png", "can", triangle()),
                line(other.toString(), "can", triangle()),
                line(other.toUri().toString(), "can", triangle())), 1);
        List<ImageRecord> rs = MLTableReader.read(dir.toString(), ANY).records();
        String png0 = "file:" + dir.resolve(PNG0);
        String pic = "file:" + other;
        assertEquals(List.of(png0, png0, pic, pic, pic), rs.stream().map(ImageRecord::imageUrl).toList());
    }

    @Test
    void unknownSchemesAreRejected() {
        Path dir = TestData.mltable(tmp.resolve("ds"), List.of(line("images/0.png", "can", triangle()),
                line("nosuchfs://host/1.jpg", "can", triangle())), 1);
        DataError e = assertThrows(DataError.class, () -> MLTableReader.read(dir.toString(), ANY));
        assertProblem(e, 2, "image_url", DataProblem.Kind.BAD_IMAGE_URL, "no Hadoop file system is available for the scheme 'nosuchfs:'");
    }

    @Test
    void datastoreUrisOfTheReferenceAreMappedToFoldersAndAnUnmappedOneFailsEvenWhenErrorsAreIgnored() {
        Path dir = TestData.mltable(tmp.resolve("ds"), List.of(
                line("azureml://subscriptions/s/resourcegroups/r/workspaces/w/datastores/workspaceblobstore/paths/"
                        + "images/0.png", "can", triangle()),
                line("azureml://datastores/workspaceblobstore/paths/images/0.png", "can", triangle())), 1);
        LoadOptions mapped = ANY.withDatastores(java.util.Map.of("workspaceblobstore", dir.toUri().toString()));
        List<ImageRecord> rs = MLTableReader.read(dir.toString(), mapped).records();
        assertEquals(List.of("file:" + dir.resolve(PNG0), "file:" + dir.resolve(PNG0)),
                rs.stream().map(ImageRecord::imageUrl).toList());

        DataError unmapped = assertThrows(DataError.class, () -> MLTableReader.read(dir.toString(),
                ANY.withIgnoreDataErrors(true).withDatastores(java.util.Map.of("other", "file:///x"))));
        assertProblem(unmapped, 1, "image_url", DataProblem.Kind.BAD_IMAGE_URL,
                "datastore 'workspaceblobstore' of azureml://subscriptions/s/");
        assertTrue(unmapped.getMessage().contains("datastores:\n    workspaceblobstore: abfss://"),
                unmapped.getMessage());
    }

    @Test
    void imageDetailsGiveTheSize() {
        Path dir = TestData.mltable(tmp.resolve("ds"), List.of(
                "{\"image_url\": \"images/0.png\", \"image_details\": {\"format\": \"png\", \"width\": \"499px\", \"height\": 666}, \"label\": []}",
                "{\"image_url\": \"images/0.png\", \"image_details\": {\"format\": \"jpg\", \"width\": 7, \"height\": \"5\"}, \"label\": []}"), 1);
        List<ImageRecord> rs = MLTableReader.read(dir.toString(), ANY).records();
        assertEquals(499, rs.get(0).width());
        assertEquals(666, rs.get(0).height());
        assertEquals(7, rs.get(1).width());
        assertEquals(5, rs.get(1).height());
        assertTrue(rs.get(0).objects().isEmpty());
    }

    @Test
    void crowdForms() {
        List<String> lines = new ArrayList<>();
        for (String v : List.of("\"true\"", "\"True\"", "\"1\"", "1", "true", "0", "false", "\"0\"", "\"false\"", "null")) {
            lines.add("{\"image_url\": \"images/0.png\", \"label\": [{\"label\": \"can\", \"isCrowd\": " + v
                    + ", \"polygon\": [[0.1, 0.1, 0.5, 0.1, 0.5, 0.5]]}]}");
        }
        lines.add("{\"image_url\": \"images/0.png\", \"label\": [{\"label\": \"can\", \"polygon\": [[0.1, 0.1, 0.5, 0.1, 0.5, 0.5]]}]}");
        List<ImageRecord> rs = MLTableReader.read(TestData.mltable(tmp.resolve("ds"), lines, 0).toString(), ANY).records();
        List<Boolean> crowd = rs.stream().map(r -> r.objects().get(0).crowd()).toList();
        assertEquals(List.of(true, true, true, true, true, false, false, false, false, false, false), crowd);
    }

    @Test
    void eachProblemNamesFileLineAndField() {
        String ok = "{\"label\": \"can\", \"polygon\": [[0.1, 0.1, 0.5, 0.1, 0.5, 0.5]]}";
        List<String> lines = List.of(
                /* 1 */ "{\"label\": []}",
                /* 2 */ "{\"image_url\": \"images/0.png\"}",
                /* 3 */ "{\"image_url\": \"images/0.png\", \"label\": {\"label\": \"can\"}}",
                /* 4 */ "{\"image_url\": \"images/0.png\", \"label\": [" + ok + ", {\"polygon\": [[0.1, 0.1, 0.5, 0.1, 0.5, 0.5]]}]}",
                /* 5 */ "{\"image_url\": \"images/0.png\", \"label\": [{\"label\": \"can\", \"isCrowd\": \"maybe\", \"polygon\": [[0.1, 0.1, 0.5, 0.1, 0.5, 0.5]]}]}",
                /* 6 */ "{\"image_url\": \"images/0.png\", \"label\": [{\"label\": \"can\", \"polygon\": [0.1, 0.1, 0.5, 0.1, 0.5, 0.5]}]}",
                /* 7 */ "{\"image_url\": \"images/0.png\", \"label\": [" + ok + ", " + ok + ", " + ok
                        + ", {\"label\": \"can\", \"polygon\": [[0.1, 0.1, 0.5, 0.1, 0.5, 0.5, 0.2]]}]}",
                /* 8 */ "{\"image_url\": \"images/0.png\", \"label\": [{\"label\": \"can\", \"polygon\": [[0.1, 0.1, 0.5, 0.1]]}]}",
                /* 9 */ "{\"image_url\": \"images/0.png\", \"label\": [{\"label\": \"can\", \"polygon\": [[0.1, 0.1, 0.5, 0.1, 0.5, 1.5]]}]}",
                /* 10 */ "{\"image_url\": \"images/0.png\", \"label\": [{\"label\": \"can\", \"polygon\": [[0.1, \"abc\", 0.5, 0.1, 0.5, 0.5]]}]}",
                /* 11 */ "{\"image_url\": \"images/0.png\", \"label\": [{\"label\": \"can\", \"polygon\": [[0.1, 0.1, 0.5, 0.1, 0.9, 0.1]]}]}",
                /* 12 */ "{\"image_url\": \"images/0.png\", \"image_details\": {\"width\": \"wide\", \"height\": 4}, \"label\": []}",
                /* 13 */ "{\"image_url\": \"images/0.png\", \"label\": [ {\"label\": \"can\", ",
                /* 14 */ "{\"image_url\": \"images/0.png\", \"label\": [{\"label\": \"can\", \"polygon\": [[0.1, 0.1, 0.5, 0.1, 0.5, 0.5], 3]}]}",
                /* 15 */ "{\"image_url\": \"images/0.png\", \"image_details\": {\"format\": \"webp\"}, \"label\": [{\"label\": 7, \"polygon\": [[0.1, 0.1, 0.5, 0.1, 0.5, 0.5]]}]}");
        Path dir = TestData.mltable(tmp.resolve("ds"), lines, 1);
        DataError e = assertThrows(DataError.class, () -> MLTableReader.read(dir.toString(), ANY));
        assertProblem(e, 1, "image_url", DataProblem.Kind.MISSING_IMAGE_URL, "missing");
        assertProblem(e, 2, "label", DataProblem.Kind.MISSING_LABELS, "missing");
        assertProblem(e, 3, "label", DataProblem.Kind.BAD_LABELS, "must be a list of objects");
        assertProblem(e, 4, "label[1].label", DataProblem.Kind.BAD_OBJECT, "class name");
        assertProblem(e, 5, "label[0].isCrowd", DataProblem.Kind.BAD_CROWD, "\"maybe\"");
        assertProblem(e, 6, "label[0].polygon", DataProblem.Kind.BAD_POLYGON, "list of lists");
        assertProblem(e, 7, "label[3].polygon[0]", DataProblem.Kind.ODD_VALUES, "odd number of values (7)");
        assertProblem(e, 8, "label[0].polygon[0]", DataProblem.Kind.TOO_FEW_POINTS, "fewer than three points (2)");
        assertProblem(e, 9, "label[0].polygon[0][5]", DataProblem.Kind.OUT_OF_RANGE, "y coordinate 1.5 is outside [0, 1]");
        assertProblem(e, 10, "label[0].polygon[0][1]", DataProblem.Kind.NON_NUMERIC, "\"abc\"");
        assertProblem(e, 11, "label[0].polygon", DataProblem.Kind.DEGENERATE_BOX, "[0.1, 0.1, 0.9, 0.1] has no area");
        assertProblem(e, 12, "image_details.width", DataProblem.Kind.BAD_IMAGE_DETAILS, "\"wide\"");
        assertProblem(e, 13, null, DataProblem.Kind.MALFORMED_JSON, "not valid JSON");
        assertProblem(e, 14, "label[0].polygon[1]", DataProblem.Kind.BAD_POLYGON, "must be a list");
        assertProblem(e, 15, "image_details.format", DataProblem.Kind.BAD_IMAGE_DETAILS, "'webp'");
        assertProblem(e, 15, "label[0].label", DataProblem.Kind.BAD_OBJECT, "number 7");
        assertEquals(16, e.total());
        assertTrue(e.getMessage().startsWith("16 data problems:"), e.getMessage());
        assertTrue(e.getMessage().contains(FILE + " line 7, field label[3].polygon[0]: odd number of values (7)"), e.getMessage());
    }

    @Test
    void manyProblemsAreCappedInTheMessage() {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            lines.add("{\"label\": []}");
        }
        DataError e = assertThrows(DataError.class,
                () -> MLTableReader.read(TestData.mltable(tmp.resolve("ds"), lines, 0).toString(), ANY));
        assertEquals(30, e.total());
        assertTrue(e.getMessage().contains("... and 10 more"), e.getMessage());
        assertEquals(1 + DataError.SHOWN + 1, e.getMessage().split("\n").length);
    }

    @Test
    void ignoreDataErrorsSkipsAndCounts() {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            lines.add(line(PNG0, "can", triangle()));
        }
        lines.add("{\"label\": []}"); // row: no image_url
        lines.add("not json"); // row
        lines.add(line(PNG0, "can", triangle(), new double[] {0.1, 0.2, 0.3})); // object 1: its only part is odd
        lines.add("{\"image_url\": \"images/0.png\", \"label\": [{\"label\": \"can\", \"polygon\": [[0.1, 0.1, 0.5, 0.1, 0.5, 0.5],"
                + " [0.1, 0.1, 0.5, 0.1, 0.5, 2]]}]}"); // one part out of range, the other kept
        lines.add("{\"image_url\": \"images/0.png\", \"image_details\": {\"width\": -3}, \"label\": []}"); // details dropped
        Path dir = TestData.mltable(tmp.resolve("ds"), lines, 1);
        LoadedDataset data = MLTableReader.read(dir.toString(), ANY.withIgnoreDataErrors(true));
        assertEquals(7, data.records().size());
        DataReport report = data.report();
        assertEquals(2, report.skipped(DataReport.Skipped.ROW));
        assertEquals(1, report.skipped(DataReport.Skipped.OBJECT));
        assertEquals(2, report.skipped(DataReport.Skipped.PART));
        assertEquals(1, report.skipped(DataReport.Skipped.DETAILS));
        assertEquals(1, report.count(DataProblem.Kind.MISSING_IMAGE_URL));
        assertEquals(1, report.count(DataProblem.Kind.MALFORMED_JSON));
        assertEquals(1, report.count(DataProblem.Kind.ODD_VALUES));
        assertEquals(1, report.count(DataProblem.Kind.OUT_OF_RANGE));
        assertEquals(1, report.count(DataProblem.Kind.BAD_IMAGE_DETAILS));
        assertEquals(5, report.total());
        assertEquals(1, data.records().get(4).objects().size()); // the good triangle of line 7 stays
        assertEquals(1, data.records().get(5).objects().get(0).polygons().size());
        assertEquals(0, data.records().get(6).width());
        assertTrue(report.summary().contains("skipped 2 rows, 1 object, 2 polygon parts, 1 image_details"), report.summary());
        assertTrue(report.summary().contains(FILE + " line 5, field image_url: missing"), report.summary());
    }

    @Test
    void invalidLinesDropSkipsMalformedLinesWithoutFailing() throws Exception {
        Path dir = TestData.validMLTable(tmp.resolve("ds"), 3);
        Files.writeString(dir.resolve("train_annotations.jsonl"), "{oops\n", java.nio.file.StandardOpenOption.APPEND);
        DataError e = assertThrows(DataError.class, () -> MLTableReader.read(dir.toString(), ANY));
        assertProblem(e, 4, null, DataProblem.Kind.MALFORMED_JSON, "not valid JSON");

        Files.writeString(dir.resolve("MLTable"), TestData.STANDARD_MLTABLE.replace("invalid_lines: error", "invalid_lines: drop"));
        LoadedDataset data = MLTableReader.read(dir.toString(), ANY);
        assertEquals(3, data.records().size());
        assertEquals(1, data.report().count(DataProblem.Kind.MALFORMED_JSON));
        // drop covers only unreadable lines, not bad annotations
        Files.writeString(dir.resolve("train_annotations.jsonl"), "{\"label\": []}\n", java.nio.file.StandardOpenOption.APPEND);
        assertProblem(assertThrows(DataError.class, () -> MLTableReader.read(dir.toString(), ANY)),
                5, "image_url", DataProblem.Kind.MISSING_IMAGE_URL, "missing");
    }

    @Test
    void encodingsAreHonoured() throws Exception {
        Path dir = TestData.mltable(tmp.resolve("ds"), List.of(), 1);
        Path jsonl = dir.resolve("train_annotations.jsonl");
        List<String> lines = List.of(line(PNG0, "café", triangle()), line(PNG0, "can", triangle()));
        TestData.writeLines(jsonl, lines, StandardCharsets.ISO_8859_1);
        // latin1 bytes are not valid UTF-8: the line and the encoding are named
        DataError e = assertThrows(DataError.class, () -> MLTableReader.read(dir.toString(), ANY));
        assertProblem(e, 1, null, DataProblem.Kind.BAD_ENCODING, "byte 0xE9");
        assertEquals(1, e.total());

        Files.writeString(dir.resolve("MLTable"), TestData.STANDARD_MLTABLE.replace("utf8", "latin1"));
        assertEquals("café", MLTableReader.read(dir.toString(), ANY).records().get(0).objects().get(0).label());

        Files.writeString(dir.resolve("MLTable"), TestData.STANDARD_MLTABLE.replace("utf8", "ascii"));
        assertProblem(assertThrows(DataError.class, () -> MLTableReader.read(dir.toString(), ANY)),
                1, null, DataProblem.Kind.BAD_ENCODING, "US-ASCII");

        TestData.writeLines(jsonl, lines, StandardCharsets.UTF_16);
        Files.writeString(dir.resolve("MLTable"), TestData.STANDARD_MLTABLE.replace("utf8", "utf16"));
        assertEquals("café", MLTableReader.read(dir.toString(), ANY).records().get(0).objects().get(0).label());

        // UTF-8 with a byte order mark
        byte[] body = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] withBom = new byte[body.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(body, 0, withBom, 3, body.length);
        Files.write(jsonl, withBom);
        Files.writeString(dir.resolve("MLTable"), TestData.STANDARD_MLTABLE);
        assertEquals(2, MLTableReader.read(dir.toString(), ANY).records().size());
    }

    @Test
    void tooFewImagesAndEmptyFiles() throws Exception {
        Path dir = TestData.validMLTable(tmp.resolve("ds"), 9);
        DataError e = assertThrows(DataError.class, () -> MLTableReader.read(dir.toString(), LoadOptions.training()));
        assertTrue(e.getMessage().contains("only 9 usable images, at least 10 are needed"), e.getMessage());
        assertEquals(9, MLTableReader.read(dir.toString(), LoadOptions.training().withMinImages(9)).records().size());

        Files.writeString(dir.resolve("train_annotations.jsonl"), "\n  \n");
        DataError empty = assertThrows(DataError.class, () -> MLTableReader.read(dir.toString(), ANY));
        assertProblem(empty, 0, null, DataProblem.Kind.EMPTY_FILE, "holds no JSON lines");
        // ignoring data errors still cannot make images out of nothing
        DataError none = assertThrows(DataError.class, () -> MLTableReader.read(dir.toString(), ANY.withIgnoreDataErrors(true)));
        assertTrue(none.getMessage().contains("only 0 usable images, at least 1 are needed"), none.getMessage());
    }

    @Test
    void targetColumnNameIsUsed() {
        Path dir = TestData.mltable(tmp.resolve("ds"), List.of(line(PNG0, "can", triangle()).replace("\"label\": [", "\"objects\": [")), 1);
        assertProblem(assertThrows(DataError.class, () -> MLTableReader.read(dir.toString(), ANY)),
                1, "label", DataProblem.Kind.MISSING_LABELS, "missing");
        List<ImageRecord> rs = MLTableReader.read(dir.toString(), ANY.withTargetColumnName("objects")).records();
        assertEquals("can", rs.get(0).objects().get(0).label());
    }

    /** Asserts that one problem has this place and kind, and that its message line names file, line and field. */
    static void assertProblem(DataError e, int line, String field, DataProblem.Kind kind, String text) {
        for (DataProblem p : e.problems()) {
            if (p.line() == line && java.util.Objects.equals(p.field(), field) && p.kind() == kind) {
                String where = p.file() + (line > 0 ? " line " + line : "")
                        + (field == null ? "" : (line > 0 ? ", field " : " field ") + field) + ": ";
                assertTrue(p.toString().startsWith(where), p.toString());
                assertTrue(p.message().contains(text), p.toString());
                assertTrue(e.getMessage().contains(p.toString()) || e.total() > DataError.SHOWN, e.getMessage());
                return;
            }
        }
        fail("no " + kind + " problem at line " + line + ", field " + field + " in:\n" + e.getMessage());
    }
}
