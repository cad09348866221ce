package io.automlseg.driver.cli;

import io.automlseg.driver.persist.RunFolderBusyException;
import java.io.PrintWriter;
import io.automlseg.driver.convert.ConvertCommand;
import io.automlseg.driver.datasets.GenerateSyntheticCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code automl} command. Each task is a subcommand: a class annotated with {@code @Command} that implements
 * {@code Callable<Integer>} (returning one of {@link ExitCodes}), listed in {@code subcommands} below. Errors print
 * one message without a stack trace unless {@code --verbose} is given; exit codes are in {@link ExitCodes}.
 */
@Command(name = "automl", mixinStandardHelpOptions = true, version = "automl-seg 0.1.0",
        description = "AutoML for image instance segmentation (Mask R-CNN) as a hyperparameter sweep on Spark.",
        subcommands = {SweepCommand.class, PredictCommand.class, EvaluateCommand.class, ConvertCommand.class,
            GenerateSyntheticCommand.class, DescribeModelCommand.class, WeightsCommand.class, ImportCommand.class,
            ExportCommand.class, ReportCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:unexpected error", "2:bad input (command line, configuration, data, output)",
            "3:no successful trial", "4:the sweep's timeout ran out",
            "5:another driver is running the sweep in this output folder"})
public final class AutomlCli implements Runnable {

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Print stack traces of errors.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required (e.g. sweep)");
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code (without exiting: for tests and embedding). */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new AutomlCli()).setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            boolean verbose = parseResult.expandedArgs().contains("--verbose");
            PrintWriter err = commandLine.getErr();
            int code;
            String message;
            if (e instanceof CliException c) {
                code = c.exitCode();
                message = c.getMessage();
            } else if (e instanceof RunFolderBusyException) {
                code = ExitCodes.RUN_FOLDER_BUSY;
                message = e.getMessage();
            } else if (ExitCodes.isBadInput(e)) {
                code = ExitCodes.BAD_INPUT;
                message = e.getMessage();
            } else {
                code = ExitCodes.INTERNAL_ERROR;
                message = e.getClass().getSimpleName() + ": " + e.getMessage()
                        + (verbose ? "" : " (run with --verbose for details)");
            }
            err.println("error: " + message);
            if (verbose) {
                e.printStackTrace(err);
            }
            err.flush();
            return code;
        });
        return cli.execute(args);
    }
}
