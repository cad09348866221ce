package io.automlseg.driver.cli;

import io.automlseg.executor.interop.ModelExchangeException;
import io.automlseg.executor.interop.TorchvisionExport;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code automl export --model DIR --format torchvision --output FOLDER}: writes a saved model for torchvision, with
 * a generated script that builds torchvision's model, loads the weights, runs it and exports it to ONNX.
 */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Export a saved model for torchvision. The folder gets model.pth (a state dict that"
                + " torchvision's Mask R-CNN of the same variant and norm loads with load_state_dict(strict=True)),"
                + " labels.json (index i is class i + 1) and load_torchvision.py, which builds that model with the"
                + " saved settings, loads the weights, runs it on images (python load_torchvision.py IMAGE) and exports"
                + " it to ONNX (python load_torchvision.py --onnx model.onnx). It needs torchvision 0.14 or later."})
final class ExportCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "DIR",
            description = "The saved model folder (a trial's model/, a sweep's best_model/ or an imported model).")
    String model;

    @Option(names = "--format", required = true, paramLabel = "FORMAT", description = "The target: torchvision.")
    String format;

    @Option(names = "--output", required = true, paramLabel = "FOLDER",
            description = "The folder to write (any Hadoop path); it must not exist or be empty.")
    String output;

    @Override
    public Integer call() throws Exception {
        if (!"torchvision".equals(format)) {
            throw new CliException(ExitCodes.BAD_INPUT, "--format: unknown format '" + format
                    + "' (expected torchvision)");
        }
        TorchvisionExport.Result result;
        try {
            result = TorchvisionExport.write(model, output);
        } catch (ModelExchangeException e) {
            throw new CliException(ExitCodes.BAD_INPUT, e.getMessage());
        }
        System.out.printf("exported %s (%s norm) to %s: %s (%d entries, SHA-256 %s), %s, %s%n", result.modelName(),
                result.norm(), result.folder(), TorchvisionExport.WEIGHTS, result.entries(), result.sha256(),
                TorchvisionExport.LABELS, TorchvisionExport.SCRIPT);
        return ExitCodes.OK;
    }
}
