package io.longview.data.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.longview.core.io.InputException;
import io.longview.core.model.InMemoryItemEmbeddings;
import io.longview.core.model.Token;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the item file of DESIGN §1 into an {@link InMemoryItemEmbeddings}, in one of two formats (plain or gzip),
 * chosen by the file name ({@link FileFormat#of}):
 * <pre>
 * CSV     item_id,e0,e1,...,e31            header required, exactly these 33 columns
 *         4211,0.12,-0.03,...,0.27
 * JSONL   {"item_id":4211,"embedding":[0.12,-0.03,...,0.27]}
 * </pre>
 * Every item needs exactly 32 finite values ({@code "embedding has 31 values, expected 32"}); NaN, infinities,
 * values beyond the float range, non-numeric ids, a duplicate item id (naming the line of its first appearance) and a
 * file without items are {@link InputException}s naming the file and the 1-based line. The values are taken as
 * given: the int8 quantizer expects them roughly unit-scale (clip 0.65, DESIGN §1); {@link EmbeddingStats} says how
 * many would be clipped.
 */
public final class ItemFileReader {
    /** The CSV header columns: {@code item_id,e0..e31}. */
    public static final List<String> CSV_COLUMNS;

    static {
        List<String> c = new ArrayList<>();
        c.add("item_id");
        for (int d = 0; d < Token.EMBEDDING_DIM; d++) {
            c.add("e" + d);
        }
        CSV_COLUMNS = List.copyOf(c);
    }

    private ItemFileReader() {
    }

    /** Reads an item file, choosing the format by its name. */
    public static InMemoryItemEmbeddings read(Path file) {
        return read(file, FileFormat.of(file));
    }

    /** Reads an item file in the given format. */
    public static InMemoryItemEmbeddings read(Path file, FileFormat format) {
        InMemoryItemEmbeddings out = new InMemoryItemEmbeddings();
        Map<Long, Long> firstLine = new HashMap<>();
        switch (format) {
            case CSV -> readCsv(file, out, firstLine);
            case JSONL -> readJsonLines(file, out, firstLine);
            case PARQUET -> throw new InputException(file, 0, "item files in Parquet are not read: give item_id,e0..e31 as CSV or JSON Lines");
        }
        if (out.size() == 0) {
            throw new InputException(file, 0, "no items: the item file has no rows after its header");
        }
        return out;
    }

    private static void readCsv(Path file, InMemoryItemEmbeddings out, Map<Long, Long> firstLine) {
        try (CsvRecordReader csv = CsvRecordReader.open(file, "an item file with header item_id,e0,...,e31")) {
            List<String> h = csv.header();
            if (h.size() != CSV_COLUMNS.size() && !h.isEmpty() && h.getFirst().equalsIgnoreCase("item_id")) {
                throw new InputException(file, csv.headerLine(), "header has " + (h.size() - 1) + " embedding columns, expected "
                        + Token.EMBEDDING_DIM + " (item_id,e0,...,e" + (Token.EMBEDDING_DIM - 1) + ")");
            }
            csv.requireHeader(CSV_COLUMNS);
            float[] e = new float[Token.EMBEDDING_DIM];
            while (csv.next()) {
                long id = csv.longField(0, "item_id");
                if (csv.fieldCount() != CSV_COLUMNS.size()) {
                    throw csv.error("embedding of item " + id + " has " + (csv.fieldCount() - 1) + " values, expected " + Token.EMBEDDING_DIM);
                }
                for (int d = 0; d < e.length; d++) {
                    e[d] = csv.floatField(d + 1, "value e" + d + " of item " + id);
                }
                add(out, firstLine, id, e, file, csv.line());
            }
        }
    }

    private static void readJsonLines(Path file, InMemoryItemEmbeddings out, Map<Long, Long> firstLine) {
        try (TextLineReader lines = new TextLineReader(file)) {
            float[] e = new float[Token.EMBEDDING_DIM];
            boolean any = false;
            for (String s = lines.readLine(); s != null; s = lines.readLine()) {
                any = true;
                if (s.isBlank()) {
                    continue;
                }
                long id = parseJsonItem(lines, s, e);
                add(out, firstLine, id, e, file, lines.line());
            }
            if (!any) {
                throw new InputException(file, 0, "empty file, expected JSON Lines items such as {\"item_id\":1,\"embedding\":[...32 numbers...]}");
            }
        }
    }

    private static long parseJsonItem(TextLineReader lines, String s, float[] e) {
        Long id = null;
        int width = -1;
        try (JsonParser p = JsonLinesEventReader.JSON.createParser(s)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw lines.error("expected a JSON object per line, got: " + JsonLinesEventReader.abbreviate(s));
            }
            for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                String name = p.currentName();
                p.nextToken();
                switch (name) {
                    case "item_id" -> {
                        if (id != null) {
                            throw lines.error("field \"item_id\" appears twice");
                        }
                        id = itemId(lines, p);
                    }
                    case "embedding" -> {
                        if (width >= 0) {
                            throw lines.error("field \"embedding\" appears twice");
                        }
                        width = embedding(lines, p, e, id);
                    }
                    default -> throw lines.error("unknown field \"" + name + "\", expected item_id and embedding");
                }
            }
            if (p.nextToken() != null) {
                throw lines.error("unexpected content after the JSON object");
            }
        } catch (JsonProcessingException ex) {
            throw new InputException(lines.file(), lines.line(), JsonLinesEventReader.malformed(ex), ex);
        } catch (IOException ex) {
            throw new InputException(lines.file(), lines.line(), "cannot parse: " + ex.getMessage(), ex);
        }
        if (id == null) {
            throw lines.error("missing field item_id");
        }
        if (width < 0) {
            throw lines.error("missing field embedding for item " + id);
        }
        if (width != Token.EMBEDDING_DIM) {
            throw lines.error("embedding of item " + id + " has " + width + " values, expected " + Token.EMBEDDING_DIM);
        }
        return id;
    }

    private static long itemId(TextLineReader lines, JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
            return p.getLongValue();
        }
        if (t == JsonToken.VALUE_STRING) {
            try {
                return Long.parseLong(p.getText().trim());
            } catch (NumberFormatException ex) {
                throw lines.error("item_id \"" + p.getText() + "\" is not an integer");
            }
        }
        throw lines.error("item_id is " + JsonLinesEventReader.valueText(p) + ", expected a 64-bit integer");
    }

    /** Reads the array into e (as far as it fits) and returns its length. */
    private static int embedding(TextLineReader lines, JsonParser p, float[] e, Long id) throws IOException {
        String of = id == null ? "" : " of item " + id;
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw lines.error("embedding" + of + " is " + JsonLinesEventReader.valueText(p) + ", expected an array of " + Token.EMBEDDING_DIM + " numbers");
        }
        int n = 0;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
                throw lines.error("embedding" + of + " value " + n + " is " + JsonLinesEventReader.valueText(p) + ", expected a number");
            }
            double v = p.getDoubleValue();
            if (!Double.isFinite(v)) {
                throw lines.error("embedding" + of + " has a non-finite value " + p.getText() + " at dimension " + n);
            }
            if (!Float.isFinite((float) v)) {
                throw lines.error("embedding" + of + " value " + p.getText() + " at dimension " + n + " is beyond the float range");
            }
            if (n < e.length) {
                e[n] = (float) v;
            }
            n++;
        }
        return n;
    }

    private static void add(InMemoryItemEmbeddings out, Map<Long, Long> firstLine, long id, float[] e, Path file, long line) {
        Long prev = firstLine.putIfAbsent(id, line);
        if (prev != null) {
            throw new InputException(file, line, "duplicate item_id " + id + ", first given on line " + prev);
        }
        try {
            out.put(id, e);
        } catch (IllegalArgumentException ex) {
            throw new InputException(file, line, ex.getMessage(), ex);
        }
    }
}
