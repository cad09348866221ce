package io.automlseg.executor.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import net.razorvine.pickle.Unpickler;
import org.junit.jupiter.api.Test;

/** Globals outside the allowlist are refused by name, whichever opcode names them; nothing named is run. */
class TorchRefusalTest {

    static TorchFileException refusal(byte[] file, String name) {
        return assertThrows(TorchFileException.class, () -> PthFixtures.read(file, name));
    }

    static TorchFileException refusal(String fixture) {
        return assertThrows(TorchFileException.class, () -> PthFixtures.read(fixture));
    }

    static void assertRefused(TorchFileException e, String global) {
        assertEquals(TorchFileException.Kind.REFUSED_GLOBAL, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains("refuses the pickle global '" + global + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("only state dicts of tensors can be read"), e.getMessage());
    }

    /** A pickle after PROTO 2, as a legacy torch file starts; {@code body} written in pickle's text opcodes. */
    static byte[] pickle(String body) {
        byte[] text = body.getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[text.length + 2];
        out[0] = (byte) 0x80;
        out[1] = 2;
        System.arraycopy(text, 0, out, 2, text.length);
        return out;
    }

    @Test
    void osSystemByGlobalIsRefusedByName() {
        TorchFileException e = refusal("forbidden_global.pth");
        assertRefused(e, "os.system");
        assertTrue(e.getMessage().startsWith("file forbidden_global.pth: "), e.getMessage());
    }

    @Test
    void builtinsEvalByStackGlobalInAZipIsRefusedByName() {
        assertRefused(refusal("forbidden_global_zip.pth"), "builtins.eval");
    }

    @Test
    void aWholeModuleIsRefusedByItsClassInBothFormats() {
        for (String file : List.of("whole_module.pth", "whole_module_legacy.pth")) {
            TorchFileException e = refusal(file);
            assertRefused(e, "__main__.TinyNet");
            assertTrue(e.getMessage().contains("save model.state_dict(), not the model"), e.getMessage());
        }
    }

    @Test
    void aQuantizedTensorsRebuilderIsNotOnTheAllowlist() {
        assertRefused(refusal("quantized.pth"), "torch._utils._rebuild_qtensor");
    }

    @Test
    void instObjAndExtensionCodesAreRefusedToo() {
        // INST: protocol 0's "call module.name with the arguments since the mark".
        assertRefused(refusal(pickle("(X\u0004\u0000\u0000\u0000echoios\nsystem\n."), "inst.pth"), "os.system");
        // OBJ with the class from GLOBAL: refused at the GLOBAL already.
        assertRefused(refusal(pickle("(csubprocess\nPopen\nX\u0001\u0000\u0000\u0000lo."), "obj.pth"), "subprocess.Popen");
        // EXT1: a global by its copyreg number.
        TorchFileException ext = refusal(pickle("\u0082\u0007."), "ext.pth");
        assertEquals(TorchFileException.Kind.REFUSED_GLOBAL, ext.kind());
        assertTrue(ext.getMessage().contains("extension code 7"), ext.getMessage());
    }

    @Test
    void allowlistedStorageClassesAreMarkersThatCannotBeCalled() {
        TorchFileException e = refusal(pickle("ctorch\nFloatStorage\n)R."), "call.pth");
        assertEquals(TorchFileException.Kind.MALFORMED, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains("a call of the class torch.FloatStorage"), e.getMessage());
        TorchFileException obj = refusal(pickle("(X\u0001\u0000\u0000\u0000ao."), "obj.pth");
        assertEquals(TorchFileException.Kind.MALFORMED, obj.kind(), obj.getMessage());
    }

    @Test
    void pyrolitesRegistryOfConstructorsIsNeverConsulted() {
        AtomicBoolean called = new AtomicBoolean();
        Unpickler.registerConstructor("os", "system", args -> {
            called.set(true);
            return 0;
        });
        assertRefused(refusal("forbidden_global.pth"), "os.system");
        assertFalse(called.get());
    }

    @Test
    void aHugeLengthPrefixIsRefusedBeforeItIsAllocated() {
        // BINUNICODE8 claiming 2^62 bytes.
        TorchFileException e = refusal(pickle("\u008d\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0040."), "long.pth");
        assertEquals(TorchFileException.Kind.MALFORMED, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains("more than a state dict's pickle holds"), e.getMessage());
    }
}
