package io.longview.data.io;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.longview.core.io.InputException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * {@code dataset.json}: what a dataset directory holds and where it came from (provenance, STYLE 8).
 *
 * @param formatVersion   manifest version, {@link #FORMAT_VERSION}
 * @param name            a short name ({@code synthetic-50}, {@code movielens-small}, …)
 * @param source          where the events came from (generator and parameters, or the imported file)
 * @param users           distinct users in the event log
 * @param items           items in the item file
 * @param events          rows in the event log
 * @param firstTimestampMs oldest event time
 * @param lastTimestampMs  newest event time
 * @param splitTimeMs     suggested train/eval split: requests before it train, from it on evaluate
 * @param embeddings      how the item embeddings were made ({@code generated}, {@code file:…}, {@code item2vec …})
 * @param seed            the seed of a generated or sampled dataset, null otherwise
 * @param snapshotId      content hash of the event log and item file ({@link #snapshotId(Path...)}): the data
 *                        snapshot id that examples and checkpoints record
 * @param parameters      the rest of the generator's or importer's settings
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DatasetManifest(int formatVersion, String name, String source, long users, long items, long events,
                              long firstTimestampMs, long lastTimestampMs, long splitTimeMs, String embeddings,
                              Long seed, String snapshotId, Map<String, Object> parameters) {
    public static final int FORMAT_VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** Writes this manifest as JSON. */
    public void write(Path file) {
        try {
            JSON.writeValue(file.toFile(), this);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads and checks a manifest. */
    public static DatasetManifest read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new InputException(file, 0, "no dataset manifest here: is this a dataset directory written by 'longview generate' or 'longview import'?");
        }
        DatasetManifest m;
        try {
            m = JSON.readValue(file.toFile(), DatasetManifest.class);
        } catch (IOException e) {
            throw new InputException(file, 0, "unreadable dataset manifest: " + e.getMessage(), e);
        }
        if (m.formatVersion() < 1 || m.formatVersion() > FORMAT_VERSION) {
            throw new InputException(file, 0, "dataset manifest version " + m.formatVersion() + ", this Longview reads versions 1.." + FORMAT_VERSION);
        }
        return m;
    }

    /** SHA-256 over the given files' bytes, in order; the first 16 hex digits. */
    public static String snapshotId(Path... files) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (Path f : files) {
                try (InputStream in = new DigestInputStream(Files.newInputStream(f), md)) {
                    while (in.read(buf) >= 0) {
                        // digest as we read
                    }
                }
            }
            return HexFormat.of().formatHex(md.digest(), 0, 8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
