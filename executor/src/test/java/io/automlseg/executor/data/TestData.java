package io.automlseg.executor.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/** Writes tiny MLTable folders and images for tests (shared with the driver's tests through the test jar). */
public final class TestData {
    public static final String STANDARD_MLTABLE = """
            paths:
              - file: ./train_annotations.jsonl
            transformations:
              - read_json_lines:
                  encoding: utf8
                  invalid_lines: error
                  include_path_column: false
              - convert_column_types:
                  - columns: image_url
                    column_type: stream_info
            """;

    private TestData() {}

    /** Writes an RGB image whose pixel (x, y) is (x*10 mod 256, y*10 mod 256, 128), in the format of the extension. */
    public static Path image(Path file, int width, int height) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                img.setRGB(x, y, ((x * 10) & 0xff) << 16 | ((y * 10) & 0xff) << 8 | 128);
            }
        }
        return write(img, file);
    }

    public static Path write(BufferedImage img, Path file) {
        try {
            Files.createDirectories(file.getParent());
            String name = file.getFileName().toString();
            String format = name.substring(name.lastIndexOf('.') + 1);
            if (!ImageIO.write(img, format, file.toFile())) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One JSONL line with one object per polygon given (normalised, single part each). */
    public static String line(String imageUrl, String label, double[]... polygons) {
        StringBuilder sb = new StringBuilder("{\"image_url\": \"").append(imageUrl).append("\", \"label\": [");
        for (int i = 0; i < polygons.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append("{\"label\": \"").append(label).append("\", \"isCrowd\": 0, \"polygon\": [[");
            for (int j = 0; j < polygons[i].length; j++) {
                sb.append(j == 0 ? "" : ", ").append(polygons[i][j]);
            }
            sb.append("]]}");
        }
        return sb.append("]}").toString();
    }

    /** A valid triangle. */
    public static double[] triangle() {
        return new double[] {0.1, 0.1, 0.8, 0.2, 0.4, 0.9};
    }

    /**
     * An MLTable folder {@code dir} with the standard MLTable, {@code train_annotations.jsonl} holding {@code lines},
     * and {@code images} 8x6 PNG files {@code images/0.png ...} which the lines may name.
     */
    public static Path mltable(Path dir, List<String> lines, int images) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("MLTable"), STANDARD_MLTABLE);
            writeLines(dir.resolve("train_annotations.jsonl"), lines, StandardCharsets.UTF_8);
            for (int i = 0; i < images; i++) {
                image(dir.resolve("images/" + i + ".png"), 8, 6);
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A valid MLTable with {@code n} images, each with one triangle labelled by turns "can" and "milk". */
    public static Path validMLTable(Path dir, int n) {
        List<String> lines = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            lines.add(line("images/" + i + ".png", i % 2 == 0 ? "can" : "milk", triangle()));
        }
        return mltable(dir, lines, n);
    }

    public static void writeLines(Path file, List<String> lines, Charset charset) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, (String.join("\n", lines) + "\n").getBytes(charset));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A PNG of a few hundred bytes whose header declares {@code width} x {@code height} one-bit grey pixels: a
     * decompression bomb (its compressed rows are zeros, and too few).
     */
    static byte[] pngDeclaring(int width, int height) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10});
        java.nio.ByteBuffer header = java.nio.ByteBuffer.allocate(13).putInt(width).putInt(height)
                .put((byte) 1).put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", header.array());
        java.util.zip.Deflater deflater = new java.util.zip.Deflater();
        deflater.setInput(new byte[4096]);
        deflater.finish();
        byte[] rows = new byte[4096];
        int n = deflater.deflate(rows);
        chunk(out, "IDAT", java.util.Arrays.copyOf(rows, n));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(java.io.ByteArrayOutputStream out, String type, byte[] data) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        byte[] name = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        crc.update(name);
        crc.update(data);
        out.writeBytes(java.nio.ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(name);
        out.writeBytes(data);
        out.writeBytes(java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
