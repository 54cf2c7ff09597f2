package io.longview.examples;

import io.longview.core.io.LittleEndian;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Writes an example file ({@link ExampleFormat}) as a stream: the header at once, then request records one by one,
 * and the footer with the counts and checksum on {@link #finish()}. {@link #close()} without {@code finish()} leaves a
 * file without its end marker, which every reader rejects as truncated: an interrupted build never passes for a
 * complete one.
 *
 * <p>Records come in the in-memory layout ({@link RequestEncoder}); every one is checked
 * ({@link ExampleFormat#checkRequest}), then written in the compact encoding of version 2 ({@link CompactRecords}).
 * Not thread-safe.
 */
public final class ExampleWriter implements AutoCloseable {
    private final Path file;
    private final ExampleHeader header;
    private final OutputStream out;
    private final CRC32C crc = new CRC32C();
    private long requests;
    private long candidates;
    private long tokens;
    private final long[] positives = new long[ExampleFormat.HEADS.size()];
    private boolean finished;
    private boolean closed;
    private final CompactRecords compact = new CompactRecords();
    private final byte[] frame = new byte[8];
    private long bytes;

    /** Creates (or replaces) {@code file} and writes the header. */
    public ExampleWriter(Path file, ExampleHeader header) {
        this.file = file;
        this.header = header;
        try {
            out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20);
            emit(ExampleFormat.encodeHeader(header), 0, -1);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    public ExampleHeader header() {
        return header;
    }

    public Path file() {
        return file;
    }

    /**
     * Appends one encoded request record, {@code record[0 .. length)} (from {@link RequestEncoder}).
     *
     * @throws IllegalArgumentException if the record is inconsistent or does not fit the header's shapes
     */
    public void write(byte[] record, int length) {
        if (finished || closed) {
            throw new IllegalStateException("example file " + file + " is already " + (finished ? "finished" : "closed"));
        }
        ExampleFormat.checkRequest(record, length, header);
        int g = LittleEndian.getInt(record, ExampleFormat.R_NEGATIVE_COUNT);
        int t = LittleEndian.getInt(record, ExampleFormat.R_TOKEN_COUNT);
        int c = LittleEndian.getInt(record, ExampleFormat.R_CANDIDATE_COUNT);
        int labels = ExampleFormat.candidateLabelsOffset(g, t, c);
        for (int j = 0; j < c; j++) {
            int l = record[labels + j];
            for (int h = 0; h < positives.length; h++) {
                if ((l & ExampleFormat.HEADS.get(h).bit()) != 0) {
                    positives[h]++;
                }
            }
        }
        int n = compact.encode(record);
        LittleEndian.putInt(frame, 0, ExampleFormat.REQUEST_MARKER);
        LittleEndian.putInt(frame, 4, 8 + n);
        emit(frame, 0, 8);
        emit(compact.buffer(), 0, n);
        requests++;
        candidates += c;
        tokens += t;
    }

    /** Appends a record read from another example file with the same shapes. */
    public void write(RequestRecord r) {
        write(r.bytes(), r.bytes().length);
    }

    public long requests() {
        return requests;
    }

    public long candidates() {
        return candidates;
    }

    /** Writes the footer and closes the file. */
    public ExampleFooter finish() {
        if (finished) {
            throw new IllegalStateException("example file " + file + " is already finished");
        }
        ExampleFooter f = new ExampleFooter(requests, candidates, tokens, positives, (int) crc.getValue());
        byte[] b = ExampleFormat.encodeFooter(f);
        try {
            out.write(b);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
        finished = true;
        close();
        return f;
    }

    /** Closes the file; without {@link #finish()} first, it stays without footer (and reads as truncated). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Bytes written so far (header and records). */
    public long bytesWritten() {
        return bytes;
    }

    private void emit(byte[] b, int off, int len) {
        int n = len < 0 ? b.length : len;
        bytes += n;
        crc.update(b, off, n);
        try {
            out.write(b, off, n);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
