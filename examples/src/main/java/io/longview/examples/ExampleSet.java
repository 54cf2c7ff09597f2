package io.longview.examples;

import io.longview.core.io.InputException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.stream.Stream;

/**
 * An example directory, as {@code longview examples} and the Spark job write it and training reads it. Each side
 * (train, eval) is either one file or a directory of shards:
 * <pre>
 * DIR/train.lvx, DIR/eval.lvx                      one file per side (the single-process builder; Spark with --merge)
 * DIR/train/part-00000.lvx … part-NNNNN.lvx        shards (the Spark job: one per user partition), and DIR/eval/ alike
 * DIR/examples.json                                the build's summary (BuildSummary), either way
 * </pre>
 * Shards are whole LVEX files (each with its own header, item tables and footer). Their <b>canonical order</b> is
 * their name order, which is the partition order, which is ascending user hash: the records of the shards read in
 * that order are the single-process file's records in its order, so re-writing them through one
 * {@link ExampleWriter} gives that file byte for byte ({@code SparkExampleJobTest} checks it).
 *
 * @param dir the example directory
 */
public record ExampleSet(Path dir) {
    /** The shard file name of a partition: {@code part-00042.lvx}. */
    public static String shardName(int partition) {
        return String.format(Locale.ROOT, "part-%05d.lvx", partition);
    }

    /** The directory of a side's shards: {@code DIR/train} or {@code DIR/eval}. */
    public Path shardDir(ExampleHeader.Side side) {
        String f = side.fileName();
        return dir.resolve(f.substring(0, f.length() - ".lvx".length()));
    }

    /**
     * What to read for a side: {@code DIR/train.lvx} when it is a file, else the shard directory {@code DIR/train} when
     * it is one, else {@code DIR/train.lvx} (which does not exist: readers then say so).
     */
    public Path path(ExampleHeader.Side side) {
        Path file = dir.resolve(side.fileName());
        if (!Files.isRegularFile(file) && Files.isDirectory(shardDir(side))) {
            return shardDir(side);
        }
        return file;
    }

    /** Whether both sides are present (as files or shard directories). */
    public boolean exists() {
        return Files.exists(path(ExampleHeader.Side.TRAIN)) && Files.exists(path(ExampleHeader.Side.EVAL));
    }

    /**
     * The files of a side in canonical order: the one file, or the shards ({@code *.lvx}) in name order.
     *
     * @throws InputException when the side's shard directory holds no {@code *.lvx} file
     */
    public List<Path> files(ExampleHeader.Side side) {
        return files(path(side));
    }

    /**
     * The files of an example file or of a directory of shards ({@code *.lvx}, in name order). A path that is not a
     * directory is returned as the one file, existing or not (its reader says what is wrong with it).
     *
     * @throws InputException for a directory without any {@code *.lvx} file
     */
    public static List<Path> files(Path fileOrDir) {
        if (!Files.isDirectory(fileOrDir)) {
            return List.of(fileOrDir);
        }
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(fileOrDir)) {
            s.filter(p -> p.getFileName().toString().endsWith(".lvx") && Files.isRegularFile(p)).sorted().forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + fileOrDir + ": " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            throw new InputException(fileOrDir, 0, "a directory of example shards without any *.lvx file");
        }
        return files;
    }

    /** Bytes on disk of a side (the file, or all its shards). */
    public long bytes(ExampleHeader.Side side) {
        long sum = 0;
        try {
            for (Path f : files(side)) {
                sum += Files.size(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sum;
    }

    /**
     * The first file's header and the footers' counts summed over the side's files (the CRC is the first file's: each
     * shard's own CRC covers that shard only).
     *
     * @throws InputException when a file is not a complete example file
     */
    public static ExampleReader.Summary summary(Path fileOrDir) {
        List<Path> files = files(fileOrDir);
        ExampleReader.Summary first = ExampleReader.summary(files.getFirst());
        if (files.size() == 1) {
            return first;
        }
        long requests = 0;
        long candidates = 0;
        long tokens = 0;
        long[] positives = new long[ExampleFormat.HEADS.size()];
        for (Path f : files) {
            ExampleFooter x = (f == files.getFirst() ? first : ExampleReader.summary(f)).footer();
            requests += x.requests();
            candidates += x.candidates();
            tokens += x.tokens();
            for (int h = 0; h < positives.length; h++) {
                positives[h] += x.positives(h);
            }
        }
        return new ExampleReader.Summary(first.header(), new ExampleFooter(requests, candidates, tokens, positives, first.footer().crc32c()));
    }

    /** {@link #summary(Path)} of a side. */
    public ExampleReader.Summary summary(ExampleHeader.Side side) {
        return summary(path(side));
    }

    /** The records of a file or of a directory of shards, in canonical order; close it when done. */
    public static Records records(Path fileOrDir) {
        return new Records(files(fileOrDir));
    }

    /** Reads the records of several example files one after the other ({@link ExampleReader} on each in turn). */
    public static final class Records implements Iterator<RequestRecord>, AutoCloseable {
        private final List<Path> files;
        private int next;
        private ExampleReader current;
        private final ExampleHeader header;

        private Records(List<Path> files) {
            this.files = files;
            this.current = ExampleReader.open(files.getFirst());
            this.header = current.header();
            this.next = 1;
        }

        /** The first file's header. */
        public ExampleHeader header() {
            return header;
        }

        @Override
        public boolean hasNext() {
            while (current != null && !current.hasNext()) {
                current.close();
                current = next < files.size() ? ExampleReader.open(files.get(next++)) : null;
            }
            return current != null;
        }

        @Override
        public RequestRecord next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return current.next();
        }

        @Override
        public void close() {
            if (current != null) {
                current.close();
                current = null;
            }
        }
    }
}
