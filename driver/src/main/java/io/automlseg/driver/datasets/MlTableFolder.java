package io.automlseg.driver.datasets;

import io.automlseg.executor.data.MLTable;
import io.automlseg.executor.data.MLTableLine;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.io.Storage;
import java.io.IOException;
import java.util.List;

/**
 * Writes an MLTable folder in the reference product's image form: an {@code MLTable} YAML naming a JSONL file and the
 * JSONL (one image per line); {@code image_url} values are usually relative to the folder. Reading is the trials'
 * validating {@link io.automlseg.executor.data.MLTableReader}.
 */
public final class MlTableFolder {
    /** Name of the descriptor file inside the folder. */
    public static final String DESCRIPTOR = MLTable.FILE_NAME;
    /** Name of the JSONL file written into MLTable folders. */
    public static final String JSONL_FILE = "annotations.jsonl";

    private MlTableFolder() {}

    /** The descriptor text for a JSONL file beside it, as the reference product documents it. */
    public static String descriptor(String jsonlFileName) {
        return "paths:\n"
                + "  - file: ./" + jsonlFileName + "\n"
                + "transformations:\n"
                + "  - read_json_lines:\n"
                + "      encoding: utf8\n"
                + "      invalid_lines: error\n"
                + "      include_path_column: false\n"
                + "  - convert_column_types:\n"
                + "      - columns: image_url\n"
                + "        column_type: stream_info\n";
    }

    /** Writes {@code <folder>/annotations.jsonl} (one line per image) and {@code <folder>/MLTable}. */
    public static void write(String folderUri, List<MLTableLine> lines) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (MLTableLine line : lines) {
            sb.append(Json.line(line)).append('\n');
        }
        Storage.writeString(Storage.resolve(folderUri, JSONL_FILE), sb.toString());
        Storage.writeString(Storage.resolve(folderUri, DESCRIPTOR), descriptor(JSONL_FILE));
    }
}
