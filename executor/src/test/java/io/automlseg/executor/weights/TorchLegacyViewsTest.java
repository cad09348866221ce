package io.automlseg.executor.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import net.razorvine.pickle.PickleException;
import org.junit.jupiter.api.Test;

/**
 * Storage views in legacy persistent ids ({@code view_metadata = (view_key, offset, numel)}), which torch 1.13 no
 * longer writes but older files have: a tensor's offset counts from the view, its extent is bounded by the view.
 */
class TorchLegacyViewsTest {
    private static final StorageType FLOAT = StorageType.forName("FloatStorage").orElseThrow();

    @Test
    void aTensorInAStorageViewIsReadFromTheViewsOffset() {
        StorageCatalog catalog = new StorageCatalog();
        StorageRef view = catalog.reference(new Object[] {"storage", FLOAT, "root", "cpu", 10,
                new Object[] {"view", 4, 5}});
        assertEquals(StorageRef.whole("root", FLOAT, 10), catalog.root("root"));
        byte[] root = new byte[40];
        ByteBuffer b = ByteBuffer.wrap(root).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 10; i++) {
            b.putFloat(i);
        }
        PickledTensor t = new PickledTensor(view, 1, new long[] {2, 2}, new long[] {1, 2}); // a transposed 2x2
        assertNull(t.boundsProblem());
        assertArrayEquals(new float[] {5, 7, 6, 8}, t.gather(root).toFloatArray());
        assertEquals("(offset 2, size [4], stride [1]) reaches element 5 of a storage of 5 elements",
                new PickledTensor(view, 2, new long[] {4}, new long[] {1}).boundsProblem());
    }

    @Test
    void aViewOutsideItsStorageOrDisagreeingNamesAreMalformed() {
        StorageCatalog catalog = new StorageCatalog();
        assertThrows(PickleException.class, () -> catalog.reference(new Object[] {"storage", FLOAT, "k", "cpu", 4,
                new Object[] {"v", 2, 3}}));
        catalog.reference(new Object[] {"storage", FLOAT, "k2", "cpu", 4});
        assertThrows(PickleException.class, () -> catalog.reference(new Object[] {"storage", FLOAT, "k2", "cpu", 5}));
        assertThrows(PickleException.class, () -> catalog.reference(new Object[] {"module", FLOAT, "k3", "cpu", 5}));
    }
}
