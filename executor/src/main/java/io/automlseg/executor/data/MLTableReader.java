package io.automlseg.executor.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.io.Storage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads a user's MLTable folder into validated {@link ImageRecord}s: the {@code MLTable} definition, then every JSONL
 * line of its files. Without {@code ignoreDataErrors}, every problem found is reported in one {@link DataError};
 * with it, bad lines, objects and polygon parts are left out and counted in the returned report.
 */
public final class MLTableReader {
    private static final ObjectReader LINE_READER =
            Json.MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    /** Charsets in which a newline byte always is a newline, so lines can be split before decoding. */
    private static final Set<Charset> BYTE_LINES = Set.of(StandardCharsets.UTF_8, StandardCharsets.US_ASCII,
            StandardCharsets.ISO_8859_1, Charset.forName("windows-1252"));

    private MLTableReader() {}

    /**
     * @param folderUri the MLTable folder: a local path or any Hadoop URI
     * @throws DataError for a missing or invalid MLTable, bad lines (unless ignored or dropped), or too few images
     */
    public static LoadedDataset read(String folderUri, LoadOptions options) {
        MLTable table = MLTable.read(folderUri);
        List<String> files = table.dataFiles();
        AnnotationParser parser = new AnnotationParser(table.folder(), options.targetColumnName(), options.datastores());
        DataReport failing = new DataReport();
        DataReport dropped = new DataReport();
        List<ImageRecord> records = new ArrayList<>();
        for (String file : files) {
            readFile(table, file, parser, records, failing, dropped);
        }
        return checked(table.folder(), records, failing, dropped, options);
    }

    /**
     * Reads JSONL lines held in memory (such as the rows of a DataFrame as JSON) with every check of an MLTable's
     * file; problems name {@code name} and the 1-based position of the line.
     *
     * @param folderUri the folder against which relative image URLs are resolved
     */
    public static LoadedDataset readLines(String name, String folderUri, List<String> lines, LoadOptions options) {
        AnnotationParser parser = new AnnotationParser(folderUri, options.targetColumnName(), options.datastores());
        DataReport failing = new DataReport();
        List<ImageRecord> records = new ArrayList<>();
        parseLines(name, lines, parser, records, failing, failing);
        return checked(name, records, failing, new DataReport(), options);
    }

    private static LoadedDataset checked(String source, List<ImageRecord> records, DataReport failing,
                                         DataReport dropped, LoadOptions options) {
        if (!options.ignoreDataErrors()) {
            failing.throwIfAny();
        }
        DataReport report = new DataReport();
        report.addAll(dropped);
        report.addAll(failing);
        if (records.size() < options.minImages()) {
            StringBuilder msg = new StringBuilder("only ").append(records.size()).append(" usable image")
                    .append(records.size() == 1 ? "" : "s").append(", at least ").append(options.minImages())
                    .append(" are needed");
            if (!report.isEmpty()) {
                msg.append(" (").append(report.skipped(DataReport.Skipped.ROW)).append(" lines were skipped: ")
                        .append(report.examples().get(0)).append(report.total() > 1 ? " ..." : "").append(')');
            }
            throw new DataError(new DataProblem(source, 0, null, DataProblem.Kind.TOO_FEW_IMAGES, msg.toString()));
        }
        return new LoadedDataset(source, List.copyOf(records), report);
    }

    private static void readFile(MLTable table, String file, AnnotationParser parser, List<ImageRecord> records,
            DataReport failing, DataReport dropped) {
        String name = table.displayName(file);
        byte[] bytes;
        try {
            bytes = Storage.readBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        List<String> lines = new ArrayList<>();
        List<Integer> bad = new ArrayList<>();
        List<String> badWhy = new ArrayList<>();
        boolean decoded = split(bytes, table.charset(), lines, bad, badWhy, name, failing);
        DataReport invalid = table.invalidLines() == MLTable.InvalidLines.DROP ? dropped : failing;
        for (int i = 0; i < bad.size(); i++) {
            invalid.add(new DataProblem(name, bad.get(i), null, DataProblem.Kind.BAD_ENCODING, badWhy.get(i)),
                    DataReport.Skipped.ROW);
        }
        int nonBlank = bad.size() + parseLines(name, lines, parser, records, invalid, failing);
        if (decoded && nonBlank == 0) {
            failing.add(new DataProblem(name, 0, null, DataProblem.Kind.EMPTY_FILE,
                    "the file holds no JSON lines; expected one line per image"), DataReport.Skipped.FILE);
        }
    }

    /** Parses the non-null lines into records; returns how many were not blank. */
    private static int parseLines(String name, List<String> lines, AnnotationParser parser, List<ImageRecord> records,
                                  DataReport invalid, DataReport failing) {
        int nonBlank = 0;
        for (int i = 0; i < lines.size(); i++) {
            String text = lines.get(i);
            if (text == null || text.isBlank()) {
                continue;
            }
            nonBlank++;
            int lineNo = i + 1;
            JsonNode row;
            try {
                row = LINE_READER.readTree(text);
            } catch (JsonProcessingException e) {
                String why = e.getOriginalMessage();
                int nl = why.indexOf('\n');
                why = nl < 0 ? why : why.substring(0, nl);
                int col = e.getLocation() == null ? -1 : e.getLocation().getColumnNr();
                invalid.add(new DataProblem(name, lineNo, null, DataProblem.Kind.MALFORMED_JSON, "not valid JSON"
                        + (col > 0 ? " at column " + col : "") + ": " + why), DataReport.Skipped.ROW);
                continue;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            ImageRecord record = parser.parse(row, name, lineNo, failing);
            if (record != null) {
                records.add(record);
            }
        }
        return nonBlank;
    }

    /**
     * Splits the file into lines (null where a line is not valid in the charset; its number and reason go to
     * {@code bad}/{@code badWhy}). Line numbers are 1-based positions in the file. Returns false when the whole file
     * could not be decoded (reported to {@code failing}).
     */
    private static boolean split(byte[] bytes, Charset charset, List<String> lines, List<Integer> bad, List<String> badWhy,
            String name, DataReport failing) {
        int start = 0;
        if (charset.equals(StandardCharsets.UTF_8) && bytes.length >= 3
                && (bytes[0] & 0xff) == 0xEF && (bytes[1] & 0xff) == 0xBB && (bytes[2] & 0xff) == 0xBF) {
            start = 3;
        }
        if (BYTE_LINES.contains(charset)) {
            int lineStart = start;
            for (int i = start; i <= bytes.length; i++) {
                if (i == bytes.length || bytes[i] == '\n') {
                    if (i == bytes.length && i == lineStart) {
                        break;
                    }
                    int end = i > lineStart && bytes[i - 1] == '\r' ? i - 1 : i;
                    CharsetDecoder decoder = charset.newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT);
                    ByteBuffer in = ByteBuffer.wrap(bytes, lineStart, end - lineStart);
                    CharBuffer out = CharBuffer.allocate(end - lineStart + 1);
                    CoderResult r = decoder.decode(in, out, true);
                    if (!r.isError()) {
                        r = decoder.flush(out);
                    }
                    if (r.isError()) {
                        int column = in.position() - lineStart + 1;
                        lines.add(null);
                        bad.add(lines.size());
                        badWhy.add(String.format("byte 0x%02X at byte %d of the line is not valid %s text (declared by"
                                + " read_json_lines.encoding)", bytes[Math.min(in.position(), bytes.length - 1)] & 0xff,
                                column, charset.name()));
                    } else {
                        out.flip();
                        lines.add(out.toString());
                    }
                    lineStart = i + 1;
                }
            }
            return true;
        }
        try {
            String text = charset.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
            if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
                text = text.substring(1);
            }
            for (String l : text.split("\n", -1)) {
                lines.add(l.endsWith("\r") ? l.substring(0, l.length() - 1) : l);
            }
            return true;
        } catch (CharacterCodingException e) {
            failing.add(new DataProblem(name, 0, null, DataProblem.Kind.BAD_ENCODING, "the file is not valid "
                    + charset.name() + " text (declared by read_json_lines.encoding)"), DataReport.Skipped.FILE);
            return false;
        }
    }
}
