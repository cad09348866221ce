package io.automlseg.executor.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.io.Storage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The validated data set handed from the driver to a trial: one {@link ImageRecord} per JSONL line. Unlike a user's
 * MLTable it is already checked, so reading it needs no error reporting beyond I/O.
 */
public final class Manifest {
    private static final ObjectMapper MAPPER = Json.MAPPER;

    private Manifest() {}

    public static void write(String uri, List<ImageRecord> records) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (ImageRecord r : records) {
            sb.append(Json.line(r)).append('\n');
        }
        Storage.writeAtomically(uri, sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    public static List<ImageRecord> read(String uri) throws IOException {
        List<ImageRecord> records = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(Storage.open(uri), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.isBlank()) {
                    records.add(MAPPER.readValue(line, ImageRecord.class));
                }
            }
        }
        return records;
    }
}
