package io.automlseg.executor.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CocoConverterTest {
    @TempDir
    Path tmp;

    @Test
    void convertsPolygonsToANormalisedMLTable() throws Exception {
        TestData.image(tmp.resolve("imgs/a.png"), 10, 20);
        TestData.image(tmp.resolve("imgs/b.png"), 10, 20);
        Files.writeString(tmp.resolve("coco.json"), """
                {"images": [{"id": 7, "file_name": "a.png", "width": 10, "height": 20},
                            {"id": 8, "file_name": "b.png", "width": 10, "height": 20}],
                 "categories": [{"id": 1, "name": "can"}, {"id": 2, "name": "milk"}],
                 "annotations": [
                   {"id": 1, "image_id": 7, "category_id": 2, "iscrowd": 0, "bbox": [1, 2, 4, 8],
                    "segmentation": [[1, 2, 5, 2, 5, 10.2], [0, 0, 2, 0, 2, 2]]},
                   {"id": 2, "image_id": 7, "category_id": 1, "iscrowd": 1, "bbox": [0, 0, 3, 3],
                    "segmentation": {"size": [20, 10], "counts": [0, 4, 196]}},
                   {"id": 3, "image_id": 7, "category_id": 1, "iscrowd": 1, "bbox": [0, 0, 10, 20],
                    "segmentation": [[0, 0, 10, 0, 10, 20.4, 0, 20]]}]}
                """);
        CocoConverter.Result res = CocoConverter.convert(tmp.resolve("coco.json").toString(), tmp.resolve("imgs").toString(),
                tmp.resolve("out").toString());
        assertEquals(new CocoConverter.Result(2, 2, 1), res);
        List<ImageRecord> rs = MLTableReader.read(tmp.resolve("out").toString(), LoadOptions.validation()).records();
        assertEquals(2, rs.size());
        ImageRecord a = rs.get(0);
        assertEquals("file:" + tmp.resolve("imgs/a.png"), a.imageUrl());
        assertEquals(10, a.width());
        assertEquals(20, a.height());
        assertEquals(2, a.objects().size());
        assertEquals("milk", a.objects().get(0).label());
        assertArrayEquals(new double[] {0.1, 0.1, 0.5, 0.1, 0.5, 0.51}, a.objects().get(0).polygons().get(0), 1e-12);
        assertEquals(2, a.objects().get(0).polygons().size());
        assertTrue(a.objects().get(1).crowd());
        // the overshoot past the bottom border is clamped
        assertArrayEquals(new double[] {0, 0, 1, 0, 1, 1, 0, 1}, a.objects().get(1).polygons().get(0), 1e-12);
        assertTrue(rs.get(1).objects().isEmpty());
    }

    @Test
    void badCocoFilesAreNamed() throws Exception {
        Files.writeString(tmp.resolve("c.json"), "{\"images\": []}");
        DataError e = assertThrows(DataError.class,
                () -> CocoConverter.convert(tmp.resolve("c.json").toString(), tmp.toString(), tmp.resolve("o").toString()));
        assertEquals("c.json field annotations: a COCO file needs an 'annotations' list", e.getMessage());
    }
}
