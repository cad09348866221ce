package io.automlseg.executor.eval;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.io.Storage;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one reader of COCO JSON: a ground-truth document (an object whose top-level lists {@code images},
 * {@code annotations}, {@code categories} hold the entries) or a results file (a top-level list of detections).
 * A file is streamed through {@link Storage}, never held whole as text; an in-memory tree goes through the same
 * code. Problems are {@link CocoFormatException}s naming the file, the line and the field; the line of a field is
 * found by {@link #lineOf} only once something is wrong, so reading stays one pass.
 */
public final class CocoJsonReader {
    /** One entry of a top-level list, as a tree, with the line where it starts (0 when not read from a file). */
    public record Entry(String section, int index, int line, JsonNode node) {
        /** {@code section[index]}, as messages name an entry. */
        public String where() {
            return section + "[" + index + "]";
        }
    }

    /** Reads one element of a results list; the parser is on the element's first token and must end on its last. */
    @FunctionalInterface
    public interface ElementReader {
        void read(JsonParser parser, int index) throws IOException;
    }

    private final String source;
    private final String uri;
    private final JsonNode tree;

    private CocoJsonReader(String source, String uri, JsonNode tree) {
        this.source = source;
        this.uri = uri;
        this.tree = tree;
    }

    /** A COCO file at a Hadoop URI or local path; messages name it by {@code uri}. */
    public static CocoJsonReader file(String uri) {
        return new CocoJsonReader(uri, uri, null);
    }

    /** A parsed COCO document or results list; {@code source} names it in messages. */
    public static CocoJsonReader tree(JsonNode root, String source) {
        return new CocoJsonReader(source, null, root);
    }

    /** The name messages give the file. */
    public String source() {
        return source;
    }

    /**
     * The entries of the named top-level lists, in file order; other top-level fields are skipped. A named list
     * that is absent has no key in the result.
     */
    public Map<String, List<Entry>> readSections(List<String> sections) throws IOException {
        Map<String, List<Entry>> found = new LinkedHashMap<>();
        try (JsonParser p = open()) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw CocoFormatException.document(source, 1, null, "a COCO file is one JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (!sections.contains(name)) {
                    p.skipChildren();
                    continue;
                }
                if (value != JsonToken.START_ARRAY) {
                    throw CocoFormatException.document(source, line(p), name, "is not a list");
                }
                List<Entry> entries = new ArrayList<>();
                found.put(name, entries);
                JsonToken t;
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (t == null) {
                        throw CocoFormatException.document(source, 0, name, "is not closed (truncated file?)");
                    }
                    int line = line(p);
                    JsonNode node = p.readValueAsTree();
                    String where = name + "[" + entries.size() + "]";
                    if (node == null || !node.isObject()) {
                        throw CocoFormatException.entry(source, where, null, "is not a JSON object").atLine(line);
                    }
                    entries.add(new Entry(name, entries.size(), line, node));
                }
            }
        } catch (JsonProcessingException e) {
            throw syntax(e);
        }
        return found;
    }

    /**
     * Streams a results file: the top level must be a list; {@code reader} reads each element in turn, so only
     * one detection is in hand at a time. Numbers are parsed by Jackson's fast, exactly rounded parser.
     *
     * @param what what the elements are, for messages ("detections")
     */
    public void readList(String what, ElementReader reader) throws IOException {
        try (JsonParser p = open()) {
            p.enable(JsonParser.Feature.USE_FAST_DOUBLE_PARSER);
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw CocoFormatException.document(source, 0, null, "expected a JSON array of " + what);
            }
            int index = 0;
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t == null) {
                    throw CocoFormatException.document(source, 0, null,
                            "the JSON array of " + what + " is not closed (truncated file?)");
                }
                reader.read(p, index++);
            }
        } catch (JsonProcessingException e) {
            throw syntax(e);
        }
    }

    /**
     * The problem at the line of its field, or else of its entry, when the source is a file in which they can be
     * found; otherwise as it is.
     */
    public CocoFormatException located(CocoFormatException problem) {
        if (problem.where() == null || problem.line() > 0) {
            return problem;
        }
        String element = pointer(problem.where());
        int line = problem.field() == null ? -1 : lineOf(element + pointer("." + problem.field()));
        if (line < 0) {
            line = lineOf(element);
        }
        return problem.atLine(line);
    }

    /**
     * Line of the first token at a JSON pointer ({@code /annotations/3/area}), or -1 when the source is not a file
     * or has no such token. Streams the file again, so it is for messages only.
     */
    public int lineOf(String pointer) {
        if (uri == null) {
            return -1;
        }
        try (InputStream in = Storage.open(uri); JsonParser parser = Json.MAPPER.getFactory().createParser(in)) {
            while (parser.nextToken() != null) {
                if (parser.getParsingContext().pathAsPointer().toString().equals(pointer)) {
                    return parser.currentTokenLocation().getLineNr();
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }

    /** "annotations[3]" -> "/annotations/3", ".segmentation[0]" -> "/segmentation/0", "[2]" -> "/2". */
    static String pointer(String path) {
        return path.replaceAll("\\[(\\d+)\\]", "/$1").replace('.', '/').replaceAll("^(?!/)(.)", "/$1");
    }

    private JsonParser open() throws IOException {
        if (uri == null) {
            return tree.traverse(Json.MAPPER);
        }
        InputStream in = Storage.open(uri);
        try {
            return Json.MAPPER.getFactory().createParser(in);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    private static int line(JsonParser p) {
        return Math.max(0, p.currentTokenLocation().getLineNr());
    }

    private CocoFormatException syntax(JsonProcessingException e) {
        int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
        return CocoFormatException.syntax(source, line, "invalid JSON: " + e.getOriginalMessage(), e);
    }
}
