package io.automlseg.executor.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.automlseg.executor.eval.CocoJsonReader.Entry;
import io.automlseg.executor.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CocoJsonReaderTest {
    private static final String DOCUMENT = String.join("\n",
            "{\"info\": {\"description\": \"skipped\", \"images\": [1]},",
            " \"images\": [",
            "  {\"id\": 1, \"height\": 10, \"width\": 10},",
            "  {\"id\": 2, \"height\": 20,",
            "   \"width\": 20}],",
            " \"categories\": [{\"id\": 1, \"name\": \"cat\"}]}");

    @TempDir
    Path dir;

    private String write(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file.toString();
    }

    @Test
    void fileEntriesComeInOrderWithTheLineWhereEachStarts() throws Exception {
        String file = write("gt.json", DOCUMENT);
        Map<String, List<Entry>> sections =
                CocoJsonReader.file(file).readSections(List.of("images", "categories", "annotations"));
        assertEquals(List.of("images", "categories"), new ArrayList<>(sections.keySet()), "absent lists have no key");
        List<Entry> images = sections.get("images");
        assertEquals(2, images.size());
        assertEquals("images[1]", images.get(1).where());
        assertEquals(3, images.get(0).line());
        assertEquals(4, images.get(1).line());
        assertEquals(20, images.get(1).node().get("width").asInt());
        assertEquals("cat", sections.get("categories").get(0).node().get("name").asText());
    }

    @Test
    void aTreeIsReadByTheSameCodeWithoutLines() throws Exception {
        Map<String, List<Entry>> sections = CocoJsonReader.tree(Json.MAPPER.readTree(DOCUMENT), "in memory")
                .readSections(List.of("images"));
        assertEquals(2, sections.get("images").size());
        assertEquals(0, sections.get("images").get(0).line());
        assertEquals(2, sections.get("images").get(1).node().get("id").asInt());
    }

    @Test
    void aBadFieldIsLocatedAtItsOwnLineAndOtherwiseAtItsEntry() throws Exception {
        String file = write("gt.json", DOCUMENT);
        CocoJsonReader reader = CocoJsonReader.file(file);
        CocoFormatException width = reader.located(
                CocoFormatException.entry(file, "images[1]", "width", "is too wide"));
        assertEquals(file + ": line 5, images[1], field 'width' is too wide", width.getMessage());
        CocoFormatException missing = reader.located(
                CocoFormatException.entry(file, "images[1]", "file_name", "is missing"));
        assertEquals(4, missing.line());
        CocoFormatException inMemory = CocoJsonReader.tree(Json.MAPPER.readTree(DOCUMENT), "gt")
                .located(CocoFormatException.entry("gt", "images[1]", "width", "is too wide"));
        assertEquals("gt: images[1], field 'width' is too wide", inMemory.getMessage());
    }

    @Test
    void theDocumentMustBeAnObjectOfLists() throws Exception {
        CocoFormatException notObject = assertThrows(CocoFormatException.class,
                () -> CocoJsonReader.file(write("a.json", "[1, 2]")).readSections(List.of("images")));
        assertTrue(notObject.getMessage().contains("a.json: line 1, a COCO file is one JSON object"),
                notObject.getMessage());
        CocoFormatException notList = assertThrows(CocoFormatException.class,
                () -> CocoJsonReader.file(write("b.json", "{\n\"images\": {}}")).readSections(List.of("images")));
        assertEquals(write("b.json", "{\n\"images\": {}}") + ": line 2, field 'images' is not a list",
                notList.getMessage());
        CocoFormatException notEntry = assertThrows(CocoFormatException.class,
                () -> CocoJsonReader.file(write("c.json", "{\"images\": [{},\n 7]}")).readSections(List.of("images")));
        assertTrue(notEntry.getMessage().endsWith("c.json: line 2, images[1] is not a JSON object"),
                notEntry.getMessage());
    }

    @Test
    void invalidJsonNamesFileAndLine() throws Exception {
        String file = write("bad.json", "{\"images\": [\n{\"id\": 1,,}]}");
        CocoFormatException e = assertThrows(CocoFormatException.class,
                () -> CocoJsonReader.file(file).readSections(List.of("images")));
        assertTrue(e.getMessage().startsWith(file + ": line 2, invalid JSON: "), e.getMessage());
        assertEquals(2, e.line());
    }

    @Test
    void resultsAreStreamedOneElementAtATime() throws Exception {
        String file = write("dt.json", "[{\"score\": 0.5}, {\"score\": 0.25}]");
        List<Double> scores = new ArrayList<>();
        CocoJsonReader.file(file).readList("detections", (parser, index) -> {
            assertEquals(scores.size(), index);
            scores.add(Json.MAPPER.<com.fasterxml.jackson.databind.JsonNode>readTree(parser).get("score").asDouble());
        });
        assertEquals(List.of(0.5, 0.25), scores);
        CocoFormatException notList = assertThrows(CocoFormatException.class,
                () -> CocoJsonReader.file(write("o.json", "{}")).readList("detections", (p, i) -> { }));
        assertTrue(notList.getMessage().endsWith("o.json: expected a JSON array of detections"), notList.getMessage());
        CocoFormatException truncated = assertThrows(CocoFormatException.class,
                () -> CocoJsonReader.file(write("t.json", "[{\"score\": 0.5},\n")).readList("detections",
                        (p, i) -> p.skipChildren()));
        assertFalse(truncated.getMessage().isBlank());
        assertTrue(truncated.getMessage().contains("t.json"), truncated.getMessage());
    }
}
