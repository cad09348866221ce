package io.automlseg.executor.io;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;

/** The one JSON mapper of the project, and helpers to read and write JSON files through {@link Storage}. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(SerializationFeature.INDENT_OUTPUT, true);

    private Json() {}

    public static <T> T read(String uri, Class<T> type) throws IOException {
        return MAPPER.readValue(Storage.readBytes(uri), type);
    }

    public static void write(String uri, Object value) throws IOException {
        Storage.writeBytes(uri, MAPPER.writeValueAsBytes(value));
    }

    public static void writeAtomically(String uri, Object value) throws IOException {
        Storage.writeAtomically(uri, MAPPER.writeValueAsBytes(value));
    }

    /** One line of JSONL: no indentation. */
    public static String line(Object value) {
        try {
            return MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
