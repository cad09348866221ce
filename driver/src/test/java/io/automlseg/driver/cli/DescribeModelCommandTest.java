package io.automlseg.driver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code automl describe-model} against torchvision's Mask R-CNN (values computed once with python3-torchvision 0.14). */
class DescribeModelCommandTest {
    private static final Pattern COUNT = Pattern.compile("(?m)^parameters: (\\d+)$");
    private static final Pattern ROW = Pattern.compile("^(\\S+)\\s+(\\[[0-9, ]*\\])\\s+(\\d+)\\s+(yes|no)$");

    /**
     * {@code sum(p.numel())} and {@code len(list(model.parameters()))} of torchvision's MaskRCNN with
     * {@code resnet_fpn_backbone(..., norm_layer=BatchNorm2d, trainable_layers=5)} and num_classes=91.
     */
    @ParameterizedTest
    @CsvSource({"maskrcnn_resnet18_fpn,31385713,102", "maskrcnn_resnet34_fpn,41493873,150",
            "maskrcnn_resnet50_fpn,44454513,201", "maskrcnn_resnet101_fpn,63446641,354",
            "maskrcnn_resnet152_fpn,79090289,507"})
    void countsMatchTorchvisionAt91Classes(String model, long parameters, int tensors) {
        CliRun run = CliRun.of("describe-model", "--model", model, "--num-classes", "91");
        assertEquals(ExitCodes.OK, run.code(), run.err());
        Matcher m = COUNT.matcher(run.out());
        assertTrue(m.find(), run.out());
        assertEquals(parameters, Long.parseLong(m.group(1)));

        List<String[]> rows = rows(run.out());
        assertEquals(tensors, rows.size());
        long sum = 0;
        for (String[] row : rows) {
            sum += Long.parseLong(row[2]);
            assertEquals("yes", row[3], row[0]);
        }
        assertEquals(parameters, sum, "the table's counts add up to the total");
        assertEquals(List.of("backbone.body.conv1.weight", "[64, 3, 7, 7]", "9408", "yes"), List.of(rows.get(0)));
        assertEquals(List.of("roi_heads.mask_predictor.mask_fcn_logits.bias", "[91]", "91", "yes"),
                List.of(rows.get(rows.size() - 1)));
    }

    @Test
    void frozenBackboneLayersAndOtherNormsShowInTheTable() {
        CliRun run = CliRun.of("describe-model", "--model", "maskrcnn_resnet18_fpn", "--num-classes", "3",
                "--norm", "frozen_batch", "--trainable-backbone-layers", "3");
        assertEquals(ExitCodes.OK, run.code(), run.err());
        List<String[]> rows = rows(run.out());
        // FrozenBatchNorm2d keeps weight and bias as buffers, so no bn rows; the stem and layer1 are frozen.
        assertTrue(rows.stream().noneMatch(r -> r[0].contains(".bn")), run.out());
        assertEquals("no", rows.get(0)[3]);
        assertEquals("yes", rows.stream().filter(r -> r[0].startsWith("backbone.body.layer2.")).findFirst().orElseThrow()[3]);
        assertEquals(List.of("roi_heads.mask_predictor.mask_fcn_logits.bias", "[3]", "3", "yes"),
                List.of(rows.get(rows.size() - 1)));
        Matcher m = COUNT.matcher(run.out());
        assertTrue(m.find());
        assertTrue(run.out().contains("trainable parameters: "), run.out());
    }

    @Test
    void unknownModelOrBadValuesExitWith2AndOneMessage() {
        CliRun unknown = CliRun.of("describe-model", "--model", "maskrcnn_resnet20_fpn", "--num-classes", "91");
        assertEquals(ExitCodes.BAD_INPUT, unknown.code());
        assertTrue(unknown.err().contains("unknown model 'maskrcnn_resnet20_fpn'"), unknown.err());
        assertTrue(unknown.err().contains("maskrcnn_resnet152_fpn"), "lists the valid names: " + unknown.err());
        assertFalse(unknown.err().contains("\tat "), unknown.err());

        CliRun norm = CliRun.of("describe-model", "--model", "maskrcnn_resnet18_fpn", "--num-classes", "5", "--norm", "layer");
        assertEquals(ExitCodes.BAD_INPUT, norm.code());
        assertTrue(norm.err().contains("--norm"), norm.err());

        CliRun classes = CliRun.of("describe-model", "--model", "maskrcnn_resnet18_fpn", "--num-classes", "1");
        assertEquals(ExitCodes.BAD_INPUT, classes.code());
        assertTrue(classes.err().contains("--num-classes must be at least 2"), classes.err());
    }

    /** The table rows after its header line, split into name, shape, count and trainable. */
    private static List<String[]> rows(String out) {
        List<String[]> rows = new ArrayList<>();
        boolean inTable = false;
        for (String line : out.split("\n")) {
            if (line.startsWith("name ")) {
                inTable = true;
                continue;
            }
            if (inTable && !line.isBlank()) {
                Matcher m = ROW.matcher(line.strip());
                assertTrue(m.matches(), "table row: " + line);
                rows.add(new String[] {m.group(1), m.group(2), m.group(3), m.group(4)});
            }
        }
        return rows;
    }
}
