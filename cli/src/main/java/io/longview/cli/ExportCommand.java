package io.longview.cli;

import io.longview.core.io.InputException;
import io.longview.core.checkpoint.Checkpoint;
import io.longview.core.checkpoint.CheckpointReader;
import io.longview.export.onnx.OnnxExporter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code longview export onnx}: a trained ranker as an ONNX graph (DESIGN §6.5). */
@Command(name = "export", mixinStandardHelpOptions = true, description = "Export a trained ranker.",
        subcommands = {ExportCommand.Onnx.class})
final class ExportCommand {

    @Command(name = "onnx", mixinStandardHelpOptions = true,
            description = {"Write a checkpoint (.lvck) as an ONNX model (opset 17) for ONNX Runtime, Vespa or Triton.",
                    "Inputs: tokens (B,T,32) dequantized, actions (B,T,4) bits as 0/1, surfaces int64 (B,T), lengths int64 (B),",
                    "candidate (B,32), dense (B,5); output: probabilities (B,heads). The no-sequence ranker takes candidate",
                    "and dense only."})
    static final class Onnx implements Callable<Integer> {
        @Option(names = "--checkpoint", required = true, description = "the checkpoint file (.lvck)")
        Path checkpoint;

        @Option(names = "--out", required = true, description = "the ONNX file to write (e.g. model.onnx)")
        Path out;

        @Override
        public Integer call() {
            if (!Files.isRegularFile(checkpoint)) {
                throw new InputException(Cli.abs(checkpoint), 0, "no checkpoint file there");
            }
            if (Files.isDirectory(out)) {
                throw new InputException(Cli.abs(out), 0, "is a directory; --out names the ONNX file to write");
            }
            Checkpoint ck = CheckpointReader.read(checkpoint);
            OnnxExporter.write(ck, out);
            long size;
            try {
                size = Files.size(out);
            } catch (java.io.IOException e) {
                size = -1;
            }
            System.out.printf("wrote %s (%s): %s%n  inputs %s, output %s (batch, %d heads %s)%n", Cli.abs(out),
                    size < 0 ? "?" : Cli.size(size), ck, OnnxExporter.inputNames(ck.config()), OnnxExporter.PROBABILITIES,
                    ck.config().heads().size(), ck.config().heads());
            return 0;
        }
    }
}
