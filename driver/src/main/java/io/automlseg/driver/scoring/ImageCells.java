package io.automlseg.driver.scoring;

import io.automlseg.executor.data.ImageDecoder;
import io.automlseg.executor.model.InputImage;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Turns one input cell into the model's input (RGB floats), for each kind of image column: Spark's image data source
 * struct, a binaryFile {@code content} column of encoded bytes, or image URIs on any Hadoop file system. Built on the
 * driver from the schema, so that a wrong column fails before any job; used on the executors row by row.
 */
final class ImageCells implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The kinds of input column, by the value of the {@code inputKind} param. */
    enum Kind {
        IMAGE, BINARY, URI;

        static Kind of(String name) {
            try {
                return valueOf(name.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("inputKind must be image, binary or uri, not '" + name + "'");
            }
        }
    }

    /** OpenCV's 8-bit types (CV_8UC1, CV_8UC3, CV_8UC4), the only ones Spark's image source produces. */
    private static final int[] OPENCV_MODE_BY_CHANNELS = {-1, 0, -1, 16, 24};

    private final Kind kind;
    private final int column;
    // Field indexes in the image struct, looked up by name (the struct's field order is not relied on); -1: absent.
    private final int origin;
    private final int height;
    private final int width;
    private final int channels;
    private final int mode;
    private final int data;

    private ImageCells(Kind kind, int column, int[] fields) {
        this.kind = kind;
        this.column = column;
        this.origin = fields[0];
        this.height = fields[1];
        this.width = fields[2];
        this.channels = fields[3];
        this.mode = fields[4];
        this.data = fields[5];
    }

    /** Checks that {@code inputCol} of {@code schema} holds images of {@code kind}; IllegalArgumentException if not. */
    static ImageCells of(StructType schema, String inputCol, Kind kind) {
        String[] names = schema.fieldNames();
        if (!Arrays.asList(names).contains(inputCol)) {
            throw new IllegalArgumentException("input column '" + inputCol + "' not found; the columns are: "
                    + String.join(", ", names));
        }
        DataType type = schema.apply(inputCol).dataType();
        int[] fields = {-1, -1, -1, -1, -1, -1};
        switch (kind) {
            case IMAGE -> {
                if (!(type instanceof StructType image)) {
                    throw wrongType(inputCol, type, "Spark's image struct (origin, height, width, nChannels, mode, data)");
                }
                String[] wanted = {"origin", "height", "width", "nChannels", "mode", "data"};
                for (int i = 0; i < wanted.length; i++) {
                    if (Arrays.asList(image.fieldNames()).contains(wanted[i])) {
                        fields[i] = image.fieldIndex(wanted[i]);
                    } else if (i == 1 || i == 2 || i == 3 || i == 5) {
                        throw wrongType(inputCol, type, "an image struct with height, width, nChannels and data");
                    }
                }
            }
            case BINARY -> {
                if (!(type instanceof BinaryType)) {
                    throw wrongType(inputCol, type, "encoded image bytes (binary, as binaryFile's content)");
                }
            }
            case URI -> {
                if (!type.equals(DataTypes.StringType)) {
                    throw wrongType(inputCol, type, "image URIs (string)");
                }
            }
        }
        return new ImageCells(kind, schema.fieldIndex(inputCol), fields);
    }

    private static IllegalArgumentException wrongType(String column, DataType type, String expected) {
        return new IllegalArgumentException("input column '" + column + "' is " + type.simpleString() + ", expected "
                + expected);
    }

    /** The image of {@code row}; an unreadable or undecodable image throws with the reason as its message. */
    InputImage decode(Row row) {
        if (row.isNullAt(column)) {
            throw new IllegalArgumentException("no image: the input cell is null");
        }
        return switch (kind) {
            case IMAGE -> fromImageStruct(row.getStruct(column));
            case BINARY -> ImageDecoder.decodeBytes((byte[]) row.get(column), "the image bytes", "input row");
            case URI -> ImageDecoder.decode(row.getString(column), row.getString(column));
        };
    }

    /** The image's name for the files made from it: its URI or origin, or null when the cell holds only bytes. */
    String name(Row row) {
        if (row.isNullAt(column)) {
            return null;
        }
        return switch (kind) {
            case URI -> row.getString(column);
            case IMAGE -> origin >= 0 && !row.getStruct(column).isNullAt(origin)
                    ? row.getStruct(column).getString(origin) : null;
            case BINARY -> null;
        };
    }

    /** Spark's image struct: row-major pixels of nChannels bytes each, in BGR(A) order, or grey. */
    private InputImage fromImageStruct(Row image) {
        String name = origin >= 0 && !image.isNullAt(origin) ? image.getString(origin) : "the image";
        int h = image.getInt(height);
        int w = image.getInt(width);
        int n = image.getInt(channels);
        if (n != 1 && n != 3 && n != 4) {
            throw new IllegalArgumentException("cannot decode " + name + ": " + n + " channels (Spark's image source "
                    + "gives -1 for a file it could not decode; 1, 3 or 4 are supported)");
        }
        if (mode >= 0 && !image.isNullAt(mode) && image.getInt(mode) != OPENCV_MODE_BY_CHANNELS[n]) {
            throw new IllegalArgumentException("cannot decode " + name + ": OpenCV mode " + image.getInt(mode)
                    + " is not the 8-bit type of " + n + " channels (" + OPENCV_MODE_BY_CHANNELS[n] + ")");
        }
        byte[] pixels = image.isNullAt(data) ? new byte[0] : (byte[]) image.get(data);
        int plane = h * w;
        if (h <= 0 || w <= 0 || pixels.length != (long) plane * n) {
            throw new IllegalArgumentException("cannot decode " + name + ": " + pixels.length + " bytes of data for "
                    + w + "x" + h + " pixels of " + n + " channels");
        }
        float[] chw = new float[3 * plane];
        for (int p = 0; p < plane; p++) {
            int at = p * n;
            if (n == 1) {
                float v = (pixels[at] & 0xff) / 255f;
                chw[p] = v;
                chw[plane + p] = v;
                chw[2 * plane + p] = v;
            } else {
                // B, G, R[, A]: alpha is dropped, as the executor's decoder drops it from PNG files
                chw[p] = (pixels[at + 2] & 0xff) / 255f;
                chw[plane + p] = (pixels[at + 1] & 0xff) / 255f;
                chw[2 * plane + p] = (pixels[at] & 0xff) / 255f;
            }
        }
        return new InputImage(chw, h, w);
    }
}
