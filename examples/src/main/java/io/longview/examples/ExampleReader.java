package io.longview.examples;

import io.longview.core.io.LittleEndian;
import io.longview.core.io.InputException;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Supplier;
import java.util.zip.CRC32C;

/**
 * Streams the request records of an example file ({@link ExampleFormat}), checking everything on the way: magic,
 * version and header shapes when opened; each record's consistency as it is read; and at the end the footer's counts
 * and checksum against what was read. A file that ends without its end marker (truncated, or its writer interrupted)
 * is an {@link InputException} naming the file and how far it got.
 *
 * <pre>{@code
 * try (ExampleReader r = ExampleReader.open(dir.resolve("train.lvx"))) {
 *     ExampleHeader h = r.header();
 *     while (r.hasNext()) {
 *         RequestRecord req = r.next();
 *         for (int j = 0; j < req.candidateCount(); j++) { ... req.selectedToken(j, k) ... req.labels(j) ... }
 *     }
 * }
 * }</pre>
 * Memory: one record at a time. Not thread-safe.
 */
public final class ExampleReader implements Iterator<RequestRecord>, AutoCloseable {
    private final Path file;
    private final InputStream in;
    private final ExampleHeader header;
    private final int headerLength;
    private final CRC32C crc = new CRC32C();
    private final byte[] prefix = new byte[8];
    private long offset;
    private long requests;
    private long candidates;
    private long tokens;
    private final long[] positives = new long[ExampleFormat.HEADS.size()];
    private RequestRecord next;
    private ExampleFooter footer;
    private final CompactRecords compact = new CompactRecords();

    private ExampleReader(Path file) {
        this.file = file;
        try {
            in = new BufferedInputStream(Files.newInputStream(file), 1 << 20);
        } catch (NoSuchFileException e) {
            throw new InputException(file, 0, "no such example file");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            byte[] p = readFully(ExampleFormat.HEADER_PREFIX_LENGTH, "the header");
            int len = check(() -> ExampleFormat.checkHeaderPrefix(p));
            byte[] h = new byte[len];
            System.arraycopy(p, 0, h, 0, p.length);
            byte[] rest = readFully(len - p.length, "the header");
            System.arraycopy(rest, 0, h, p.length, rest.length);
            header = check(() -> ExampleFormat.decodeHeader(h));
            headerLength = len;
            crc.update(h);
        } catch (RuntimeException e) {
            closeQuietly();
            throw e;
        }
    }

    /**
     * Opens an example file and reads its header.
     *
     * @throws InputException if the file is missing, too short, not an example file, or of an unknown version
     */
    public static ExampleReader open(Path file) {
        return new ExampleReader(file);
    }

    /** The header: shapes and provenance. */
    public ExampleHeader header() {
        return header;
    }

    public Path file() {
        return file;
    }

    /**
     * True when another request follows. At the end it checks the footer against what was read.
     *
     * @throws InputException for a truncated file, a corrupt record, or counts or checksum that disagree
     */
    @Override
    public boolean hasNext() {
        if (next != null) {
            return true;
        }
        if (footer != null) {
            return false;
        }
        int got = read(prefix, 0, 8);
        if (got < 8) {
            throw new InputException(file, 0, "truncated: the file ends " + (got <= 0 ? "" : "inside a record marker ")
                    + "after " + requests + " complete requests (byte " + (offset + Math.max(got, 0))
                    + ") without its end marker; was the writer interrupted?");
        }
        int marker = LittleEndian.getInt(prefix, 0);
        int length = LittleEndian.getInt(prefix, 4);
        if (marker == ExampleFormat.END_MARKER) {
            readFooter(length);
            return false;
        }
        if (marker != ExampleFormat.REQUEST_MARKER) {
            throw new InputException(file, 0, "unknown record marker " + ExampleFormat.hex(marker) + " at byte " + offset
                    + " after " + requests + " requests, expected " + ExampleFormat.hex(ExampleFormat.REQUEST_MARKER)
                    + " (request) or " + ExampleFormat.hex(ExampleFormat.END_MARKER) + " (end)");
        }
        if (length < 8 + 8 || length > ExampleFormat.MAX_RECORD_LENGTH) {
            throw new InputException(file, 0, "request " + requests + " at byte " + offset + " has length " + length
                    + ", expected " + (8 + 8) + ".." + ExampleFormat.MAX_RECORD_LENGTH + ": the file is corrupt");
        }
        byte[] rec = new byte[length];
        System.arraycopy(prefix, 0, rec, 0, 8);
        int n = read(rec, 8, length - 8);
        if (n < length - 8) {
            throw new InputException(file, 0, "truncated: request " + requests + " at byte " + offset + " has "
                    + (8 + Math.max(n, 0)) + " of its " + length + " bytes, and the end marker is missing; was the writer interrupted?");
        }
        long at = offset;
        RequestRecord r = check(() -> new RequestRecord(compact.decode(rec, 8, length), header),
                "request " + requests + " at byte " + at + " (the file is corrupt)");
        crc.update(rec);
        offset += length;
        requests++;
        candidates += r.candidateCount();
        tokens += r.tokenCount();
        for (int j = 0; j < r.candidateCount(); j++) {
            for (int h = 0; h < positives.length; h++) {
                if (r.label(j, ExampleFormat.HEADS.get(h).bit())) {
                    positives[h]++;
                }
            }
        }
        next = r;
        return true;
    }

    @Override
    public RequestRecord next() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more requests in " + file);
        }
        RequestRecord r = next;
        next = null;
        return r;
    }

    /** The footer, once {@link #hasNext()} has returned false (its counts are checked by then). */
    public ExampleFooter footer() {
        if (footer == null) {
            throw new IllegalStateException("the footer is read at the end of the file; read all requests first");
        }
        return footer;
    }

    /** Requests read so far. */
    public long requestsRead() {
        return requests;
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads a file's header and footer without reading its records (the footer's counts size an epoch up front).
     * Checks magic, version, header and the footer's own fields, not the records or the checksum.
     *
     * @throws InputException if the file is not a complete example file
     */
    public static Summary summary(Path file) {
        ExampleHeader h;
        int headerLength;
        try (ExampleReader r = open(file)) {
            h = r.header();
            headerLength = r.headerLength;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < headerLength + ExampleFormat.FOOTER_LENGTH) {
                throw new InputException(file, 0, "truncated: " + size + " bytes cannot hold the header and the end marker");
            }
            ByteBuffer buf = ByteBuffer.allocate(ExampleFormat.FOOTER_LENGTH);
            while (buf.hasRemaining() && ch.read(buf, size - ExampleFormat.FOOTER_LENGTH + buf.position()) > 0) {
                // read the last bytes
            }
            byte[] f = buf.array();
            if (LittleEndian.getInt(f, ExampleFormat.F_MARKER) != ExampleFormat.END_MARKER
                    || LittleEndian.getInt(f, ExampleFormat.F_MAGIC) != ExampleFormat.MAGIC) {
                throw new InputException(file, 0, "truncated: the file does not end with the end marker; was the writer interrupted?");
            }
            ExampleFooter footer;
            try {
                footer = ExampleFormat.decodeFooter(f);
            } catch (IllegalArgumentException e) {
                throw new InputException(file, 0, e.getMessage(), e);
            }
            return new Summary(h, footer);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** A file's header and footer. */
    public record Summary(ExampleHeader header, ExampleFooter footer) {
    }

    private void readFooter(int length) {
        if (length != ExampleFormat.FOOTER_LENGTH) {
            throw new InputException(file, 0, "end marker at byte " + offset + " with footer length " + length + ", expected "
                    + ExampleFormat.FOOTER_LENGTH);
        }
        byte[] f = new byte[ExampleFormat.FOOTER_LENGTH];
        System.arraycopy(prefix, 0, f, 0, 8);
        int n = read(f, 8, f.length - 8);
        if (n < f.length - 8) {
            throw new InputException(file, 0, "truncated: the footer at byte " + offset + " has " + (8 + Math.max(n, 0))
                    + " of its " + f.length + " bytes");
        }
        ExampleFooter ft = check(() -> ExampleFormat.decodeFooter(f));
        agree("requests", ft.requests(), requests);
        agree("candidates", ft.candidates(), candidates);
        agree("tokens", ft.tokens(), tokens);
        for (int h = 0; h < positives.length; h++) {
            agree(ExampleFormat.HEADS.get(h).name() + " positives", ft.positives(h), positives[h]);
        }
        int sum = (int) crc.getValue();
        if (ft.crc32c() != sum) {
            throw new InputException(file, 0, "checksum " + ExampleFormat.hex(sum) + " of the content (bytes 0.." + offset
                    + ", the footer at byte " + offset + ") differs from the footer's " + ExampleFormat.hex(ft.crc32c())
                    + ": the file is corrupt somewhere in that range");
        }
        offset += f.length;
        int extra = read(new byte[1], 0, 1);
        if (extra > 0) {
            throw new InputException(file, 0, "bytes after the end marker at byte " + offset + ": the file was appended to or is corrupt");
        }
        footer = ft;
    }

    private void agree(String what, long inFooter, long read) {
        if (inFooter != read) {
            throw new InputException(file, 0, "the footer counts " + inFooter + " " + what + ", the file holds " + read);
        }
    }

    private byte[] readFully(int n, String what) {
        byte[] b = new byte[n];
        int got = read(b, 0, n);
        if (got < n) {
            throw new InputException(file, 0, "truncated: " + (offset + Math.max(got, 0)) + " bytes, too short to hold " + what
                    + " (" + (offset + n) + " bytes); is this a Longview example file?");
        }
        offset += n;
        return b;
    }

    /** Reads up to {@code n} bytes; fewer only at the end of the file. */
    private int read(byte[] b, int off, int n) {
        try {
            return in.readNBytes(b, off, n);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private <T> T check(Supplier<T> f) {
        return check(f, null);
    }

    private <T> T check(Supplier<T> f, String where) {
        try {
            return f.get();
        } catch (IllegalArgumentException e) {
            closeQuietly();
            throw new InputException(file, 0, (where == null ? "" : where + ": ") + e.getMessage(), e);
        }
    }

    private void closeQuietly() {
        try {
            in.close();
        } catch (IOException ignored) {
            // reporting the first problem matters more
        }
    }
}
