package io.longview.data.io;

import io.longview.core.io.InputException;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads a UTF-8 text file line by line, counting 1-based line numbers and the file bytes consumed. Gzip input is
 * recognised by its magic bytes (whatever the name), a leading byte-order mark is dropped, and I/O and decoding
 * failures become {@link InputException}s naming the file and line. Lines end at {@code \n}; a {@code \r} before it
 * is dropped. Old files in ISO-8859-1 (MovieLens ml-1m's {@code movies.dat}) read with {@code latin1Fallback}: a line
 * that is not UTF-8 is then decoded as ISO-8859-1 instead of being an error.
 */
public final class TextLineReader implements AutoCloseable {
    private final Path file;
    private final CountingInputStream counting;
    private final InputStream in;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final byte[] buf = new byte[1 << 16];
    private int pos;
    private int lim;
    private boolean eof;
    private byte[] lineBytes = new byte[256];
    private long line;
    private final boolean latin1Fallback;

    /** Opens a UTF-8 (or gzip-compressed UTF-8) text file. */
    public TextLineReader(Path file) {
        this(file, false);
    }

    /** Opens a text file; with {@code latin1Fallback} a line that is not UTF-8 is decoded as ISO-8859-1. */
    public TextLineReader(Path file, boolean latin1Fallback) {
        this.file = file;
        this.latin1Fallback = latin1Fallback;
        InputStream raw;
        try {
            raw = Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw new InputException(file, 0, "no such file");
        } catch (IOException e) {
            throw new InputException(file, 0, "cannot open: " + e.getMessage(), e);
        }
        counting = new CountingInputStream(raw);
        try {
            PushbackInputStream pin = new PushbackInputStream(counting, 2);
            byte[] magic = pin.readNBytes(2);
            pin.unread(magic);
            boolean gzip = magic.length == 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b;
            if (!gzip && file.getFileName().toString().endsWith(".gz") && magic.length > 0) {
                throw new InputException(file, 0, "the name ends in .gz but the file is not gzip-compressed");
            }
            in = gzip ? new GZIPInputStream(pin, 1 << 16) : pin;
        } catch (IOException e) {
            closeQuietly();
            throw failure(e);
        } catch (RuntimeException e) {
            closeQuietly();
            throw e;
        }
    }

    /**
     * The next line without its terminator ({@code \n} or {@code \r\n}), or null at the end of the file. Each line
     * is decoded on its own, so a byte sequence that is not UTF-8 is reported on its own line.
     */
    public String readLine() {
        int len = 0;
        boolean any = false;
        while (true) {
            if (pos == lim) {
                if (eof || !fill()) {
                    if (!any) {
                        return null;
                    }
                    break;
                }
            }
            any = true;
            int nl = -1;
            for (int i = pos; i < lim; i++) {
                if (buf[i] == '\n') {
                    nl = i;
                    break;
                }
            }
            int end = nl < 0 ? lim : nl;
            int n = end - pos;
            if (len + n > lineBytes.length) {
                lineBytes = Arrays.copyOf(lineBytes, Math.max(len + n, 2 * lineBytes.length));
            }
            System.arraycopy(buf, pos, lineBytes, len, n);
            len += n;
            pos = nl < 0 ? lim : nl + 1;
            if (nl >= 0) {
                break;
            }
        }
        line++;
        if (len > 0 && lineBytes[len - 1] == '\r') {
            len--;
        }
        int from = 0;
        if (line == 1 && len >= 3 && (lineBytes[0] & 0xff) == 0xEF && (lineBytes[1] & 0xff) == 0xBB && (lineBytes[2] & 0xff) == 0xBF) {
            from = 3; // byte-order mark
        }
        boolean ascii = true;
        for (int i = from; i < len; i++) {
            if (lineBytes[i] < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            return new String(lineBytes, from, len - from, StandardCharsets.ISO_8859_1);
        }
        try {
            return utf8.decode(ByteBuffer.wrap(lineBytes, from, len - from)).toString();
        } catch (CharacterCodingException e) {
            if (latin1Fallback) {
                return new String(lineBytes, from, len - from, StandardCharsets.ISO_8859_1);
            }
            throw new InputException(file, line, "not UTF-8 text (" + e.getClass().getSimpleName() + "); save the file as UTF-8", e);
        }
    }

    private boolean fill() {
        try {
            int n = in.read(buf, 0, buf.length);
            if (n < 0) {
                eof = true;
                return false;
            }
            pos = 0;
            lim = n;
            return n > 0 || fill();
        } catch (IOException e) {
            throw failure(e);
        }
    }

    public Path file() {
        return file;
    }

    /** The 1-based number of the line last returned (0 before the first). */
    public long line() {
        return line;
    }

    public long bytesRead() {
        return counting.count;
    }

    /** An error at the current line. */
    public InputException error(String reason) {
        return new InputException(file, line, reason);
    }

    private InputException failure(IOException e) {
        if (e instanceof ZipException || e instanceof EOFException) {
            return new InputException(file, line + 1, "corrupt or truncated gzip data: " + e.getMessage(), e);
        }
        return new InputException(file, line + 1, "read error: " + e.getMessage(), e);
    }

    private void closeQuietly() {
        try {
            counting.close();
        } catch (IOException ignored) {
            // already failing
        }
    }

    @Override
    public void close() {
        try {
            if (in != null) {
                in.close();
            } else {
                counting.close();
            }
        } catch (IOException e) {
            throw new InputException(file, 0, "cannot close: " + e.getMessage(), e);
        }
    }

    private static final class CountingInputStream extends FilterInputStream {
        long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = super.skip(n);
            count += s;
            return s;
        }
    }
}
