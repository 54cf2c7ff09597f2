package io.longview.parquet;

import io.longview.core.io.InputException;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.Dictionary;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.io.api.RecordMaterializer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Reads named, flat columns of a Parquet file or of a directory of part files, one row at a time, through
 * parquet-java's record reader (only the requested columns are decoded; dictionary-encoded strings are decoded once
 * per row group).
 *
 * <pre>{@code
 * try (ParquetRowReader r = ParquetRowReader.open(Path.of("events.parquet"), List.of("user", "item"), ", map them with --columns")) {
 *     while (r.next()) {
 *         if (r.isNull(0)) throw r.error(0, "is null");
 *         long user = r.kind(0) == Kind.INTEGER ? r.getLong(0) : Long.parseLong(r.getString(0));
 *     }
 * }
 * }</pre>
 *
 * <ul>
 *   <li><b>Files.</b> A directory is read as its {@code *.parquet} files (not those whose names start with {@code _}
 *       or {@code .}, like Spark's {@code _SUCCESS}), in name order; sub-directories (Hive partitions) are not
 *       read. Rows come in file order, then row order.</li>
 *   <li><b>Columns</b> are top-level fields found by name (exactly, else case-insensitively when that is unique). A
 *       column may be absent ({@link #present} false; the caller decides whether that is an error, see
 *       {@link #requireColumns}). Each is an {@link Kind#INTEGER} (physical INT32 or INT64, not a decimal) or a
 *       {@link Kind#STRING} (BINARY with no annotation, or STRING, ENUM or JSON); an INT64 {@code TIMESTAMP} column is
 *       an integer with a {@link #timeUnit}. Anything else (floating point, boolean, INT96, a list or a group) is an
 *       {@link InputException} naming the file, the column and its type.</li>
 *   <li><b>Positions.</b> {@link #row()} is the 1-based row of the current file; {@link #error} builds an
 *       {@link InputException} naming file, row and column. A file that is not Parquet, or that fails to decode,
 *       is an {@link InputException} naming it (and the row, when known).</li>
 * </ul>
 * Memory: one row group's pages of the requested columns.
 */
public final class ParquetRowReader implements AutoCloseable {
    /** How a column's values are read. */
    public enum Kind {
        /** INT32 or INT64: {@link #getLong}. */
        INTEGER,
        /** BINARY (UTF-8): {@link #getString}. */
        STRING
    }

    private final List<Path> files;
    private final List<String> names;
    private final int n;
    private final Kind[] kinds;
    private final TimeUnit[] units;
    private final boolean[] presentInFile;
    private final String[] fileNames;
    private final String[] typeNames;
    private final long[] longs;
    private final String[] strings;
    private final boolean[] set;
    private final List<String> required;
    private final String missingHint;

    private int fileIndex = -1;
    private ParquetFileReader reader;
    private MessageColumnIO columnIO;
    private RowMaterializer materializer;
    private RecordReader<Boolean> records;
    private long rowsLeftInGroup;
    private int blockIndex;
    private long row;
    private long bytesDone;

    private ParquetRowReader(List<Path> files, List<String> names, List<String> required, String missingHint) {
        this.files = files;
        this.names = List.copyOf(names);
        this.n = names.size();
        this.kinds = new Kind[n];
        this.units = new TimeUnit[n];
        this.presentInFile = new boolean[n];
        this.fileNames = new String[n];
        this.typeNames = new String[n];
        this.longs = new long[n];
        this.strings = new String[n];
        this.set = new boolean[n];
        this.required = List.copyOf(required);
        this.missingHint = missingHint == null ? "" : missingHint;
    }

    /**
     * Opens a file or a directory of part files and finds the columns in its first file.
     *
     * @param columns     the names to read, in the order of the accessors' indices
     * @param required    those of {@code columns} that every file must have
     * @param missingHint appended to the message about a missing column (e.g. how to map names)
     * @throws InputException for a missing path, a directory without Parquet files, a file that is not Parquet, a
     *                        missing required column or a column of an unsupported type
     */
    public static ParquetRowReader open(Path fileOrDir, List<String> columns, List<String> required, String missingHint) {
        if (!columns.containsAll(required)) {
            throw new IllegalArgumentException("required columns " + required + " are not all among " + columns);
        }
        ParquetRowReader r = new ParquetRowReader(files(fileOrDir), columns, required, missingHint);
        try {
            r.openFile(0);
        } catch (RuntimeException e) {
            r.close();
            throw e;
        }
        return r;
    }

    /**
     * The Parquet files of a path: the file itself, or a directory's {@code *.parquet} files in name order.
     *
     * @throws InputException when the path does not exist or a directory holds no Parquet file
     */
    public static List<Path> files(Path fileOrDir) {
        if (Files.isRegularFile(fileOrDir)) {
            return List.of(fileOrDir);
        }
        if (!Files.isDirectory(fileOrDir)) {
            throw new InputException(fileOrDir, 0, "no such file or directory");
        }
        List<Path> parts;
        try (Stream<Path> s = Files.list(fileOrDir)) {
            parts = s.filter(Files::isRegularFile).filter(p -> {
                String name = p.getFileName().toString();
                return !name.startsWith("_") && !name.startsWith(".") && name.toLowerCase(Locale.ROOT).endsWith(".parquet");
            }).sorted().toList();
        } catch (IOException e) {
            throw new InputException(fileOrDir, 0, "cannot list the directory: " + e.getMessage(), e);
        }
        if (parts.isEmpty()) {
            throw new InputException(fileOrDir, 0, "the directory has no *.parquet file");
        }
        return parts;
    }

    /** The files read, in order. */
    public List<Path> files() {
        return files;
    }

    /** Whether the current file has column {@code i}. */
    public boolean present(int i) {
        return presentInFile[i];
    }

    /** How column {@code i} of the current file is read (null when absent). */
    public Kind kind(int i) {
        return kinds[i];
    }

    /** The unit of an INT64 {@code TIMESTAMP} column, or null for a plain integer or a string. */
    public TimeUnit timeUnit(int i) {
        return units[i];
    }

    /** The file's own name of column {@code i} (it may differ in case from the requested one). */
    public String fileColumnName(int i) {
        return fileNames[i];
    }

    /** The file being read (the current part of a directory). */
    public Path file() {
        return fileIndex < 0 ? null : files.get(Math.min(fileIndex, files.size() - 1));
    }

    /** The 1-based row of the current file last returned by {@link #next()}. */
    public long row() {
        return row;
    }

    /** Compressed bytes of the row groups finished so far, for progress. */
    public long bytesRead() {
        return bytesDone;
    }

    /**
     * Advances to the next row.
     *
     * @return false after the last row of the last file
     * @throws InputException when a file cannot be read or decoded
     */
    public boolean next() {
        while (rowsLeftInGroup == 0) {
            if (!nextRowGroup()) {
                if (fileIndex + 1 >= files.size()) {
                    return false;
                }
                openFile(fileIndex + 1);
            }
        }
        row++;
        rowsLeftInGroup--;
        try {
            records.read();
        } catch (RuntimeException e) {
            throw new InputException(file(), 0, "row " + row + ": cannot decode: " + e.getMessage(), e);
        }
        return true;
    }

    /** Whether column {@code i} of the current row is null (or absent from the file). */
    public boolean isNull(int i) {
        return !set[i];
    }

    /** The integer value of column {@code i} ({@link Kind#INTEGER}, not null). */
    public long getLong(int i) {
        if (kinds[i] != Kind.INTEGER || !set[i]) {
            throw new IllegalStateException("column " + names.get(i) + " has no integer value in this row");
        }
        return longs[i];
    }

    /** The string value of column {@code i} ({@link Kind#STRING}, not null). */
    public String getString(int i) {
        if (kinds[i] != Kind.STRING || !set[i]) {
            throw new IllegalStateException("column " + names.get(i) + " has no string value in this row");
        }
        return strings[i];
    }

    /** The value of column {@code i} as text, for messages ({@code null} for a null). */
    public String text(int i) {
        return !set[i] ? "null" : kinds[i] == Kind.INTEGER ? Long.toString(longs[i]) : strings[i];
    }

    /** The type of column {@code i} as the file declares it, for messages. */
    public String typeName(int i) {
        return typeNames[i];
    }

    /** An error at the current row and column {@code i}: {@code FILE: row R, column 'C': REASON}. */
    public InputException error(int i, String reason) {
        return new InputException(file(), 0, "row " + row + ", column '" + fileNames[i] + "': " + reason);
    }

    /** An error at the current row: {@code FILE: row R: REASON}. */
    public InputException error(String reason) {
        return new InputException(file(), 0, "row " + row + ": " + reason);
    }

    /** Checks that every required column is present in every file (already done for the first). */
    public void requireColumns() {
        for (int f = fileIndex + 1; f < files.size(); f++) {
            try (ParquetFileReader r = openReader(files.get(f))) {
                MessageType schema = r.getFileMetaData().getSchema();
                for (String c : required) {
                    if (find(schema, c) == null) {
                        throw missing(files.get(f), schema, c);
                    }
                }
            } catch (IOException e) {
                throw new InputException(files.get(f), 0, "cannot read: " + e.getMessage(), e);
            }
        }
    }

    private boolean nextRowGroup() {
        if (reader == null) {
            return false;
        }
        try {
            int block = blockIndex++;
            PageReadStore pages = reader.readNextRowGroup();
            if (pages == null) {
                reader.close();
                reader = null;
                return false;
            }
            List<BlockMetaData> blocks = reader.getRowGroups();
            if (block >= 0 && block < blocks.size()) {
                bytesDone += blocks.get(block).getCompressedSize();
            }
            records = columnIO.getRecordReader(pages, materializer);
            rowsLeftInGroup = pages.getRowCount();
            return true;
        } catch (IOException | RuntimeException e) {
            throw new InputException(file(), 0, "after row " + row + ": cannot read a row group: " + e.getMessage(), e);
        }
    }

    private static ParquetFileReader openReader(Path file) throws IOException {
        ParquetReadOptions options = ParquetReadOptions.builder(new PlainParquetConfiguration()).build();
        try {
            return ParquetFileReader.open(new LocalInputFile(file), options);
        } catch (RuntimeException e) { // "is not a Parquet file", a corrupt footer
            throw new IOException(e.getMessage(), e);
        }
    }

    private void openFile(int index) {
        if (reader != null) {
            try {
                reader.close();
            } catch (IOException ignored) {
                // read-only
            }
            reader = null;
        }
        fileIndex = index;
        row = 0;
        rowsLeftInGroup = 0;
        blockIndex = 0;
        Path file = files.get(index);
        try {
            reader = openReader(file);
        } catch (IOException e) {
            throw new InputException(file, 0, "not a readable Parquet file: " + e.getMessage(), e);
        }
        MessageType schema = reader.getFileMetaData().getSchema();
        List<Type> requested = new ArrayList<>();
        int[] fieldToColumn = new int[n];
        for (int i = 0; i < n; i++) {
            Type t = find(schema, names.get(i));
            presentInFile[i] = t != null;
            kinds[i] = null;
            units[i] = null;
            fileNames[i] = t == null ? names.get(i) : t.getName();
            typeNames[i] = t == null ? null : describe(t);
            if (t == null) {
                if (required.contains(names.get(i))) {
                    throw missing(file, schema, names.get(i));
                }
                continue;
            }
            kinds[i] = kindOf(file, t);
            units[i] = unitOf(t);
            fieldToColumn[requested.size()] = i;
            requested.add(t);
        }
        MessageType projection = new MessageType(schema.getName(), requested);
        reader.setRequestedSchema(projection);
        columnIO = new ColumnIOFactory(reader.getFileMetaData().getCreatedBy()).getColumnIO(projection, schema);
        materializer = new RowMaterializer(Arrays.copyOf(fieldToColumn, requested.size()));
        Arrays.fill(set, false);
    }

    private InputException missing(Path file, MessageType schema, String name) {
        List<String> have = schema.getFields().stream().map(Type::getName).toList();
        return new InputException(file, 0, "no column '" + name + "' (the file has " + String.join(", ", have) + ")" + missingHint);
    }

    private static Type find(MessageType schema, String name) {
        if (schema.containsField(name)) {
            return schema.getType(name);
        }
        Type match = null;
        for (Type t : schema.getFields()) {
            if (t.getName().equalsIgnoreCase(name)) {
                if (match != null) {
                    return null;
                }
                match = t;
            }
        }
        return match;
    }

    private static String describe(Type t) {
        if (!t.isPrimitive()) {
            return "a group";
        }
        PrimitiveType p = t.asPrimitiveType();
        LogicalTypeAnnotation a = p.getLogicalTypeAnnotation();
        return p.getPrimitiveTypeName() + (a == null ? "" : " (" + a + ")");
    }

    private static Kind kindOf(Path file, Type t) {
        String problem = null;
        if (!t.isPrimitive()) {
            problem = "a group (nested columns are not read)";
        } else if (t.isRepetition(Type.Repetition.REPEATED)) {
            problem = "a repeated field";
        } else {
            PrimitiveType p = t.asPrimitiveType();
            LogicalTypeAnnotation a = p.getLogicalTypeAnnotation();
            switch (p.getPrimitiveTypeName()) {
                case INT32, INT64 -> {
                    if (a == null || a instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation
                            || (a instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation && p.getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.INT64)) {
                        return Kind.INTEGER;
                    }
                    problem = describe(t);
                }
                case BINARY -> {
                    if (a == null || a instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
                            || a instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation
                            || a instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation) {
                        return Kind.STRING;
                    }
                    problem = describe(t);
                }
                default -> problem = describe(t);
            }
        }
        throw new InputException(file, 0, "column '" + t.getName() + "' is " + problem
                + ": expected an integer (INT32 or INT64) or a string column");
    }

    private static TimeUnit unitOf(Type t) {
        if (t.isPrimitive() && t.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation ts) {
            return switch (ts.getUnit()) {
                case MILLIS -> TimeUnit.MILLISECONDS;
                case MICROS -> TimeUnit.MICROSECONDS;
                case NANOS -> TimeUnit.NANOSECONDS;
            };
        }
        return null;
    }

    @Override
    public void close() {
        if (reader != null) {
            try {
                reader.close();
            } catch (IOException ignored) {
                // read-only
            }
            reader = null;
        }
        fileIndex = files.size();
    }

    /** Puts each value of a row into {@link #longs} / {@link #strings} and marks it {@link #set}. */
    private final class RowMaterializer extends RecordMaterializer<Boolean> {
        private final GroupConverter root;

        RowMaterializer(int[] fieldToColumn) {
            Converter[] converters = new Converter[fieldToColumn.length];
            for (int f = 0; f < fieldToColumn.length; f++) {
                converters[f] = new ValueConverter(fieldToColumn[f]);
            }
            root = new GroupConverter() {
                @Override
                public Converter getConverter(int fieldIndex) {
                    return converters[fieldIndex];
                }

                @Override
                public void start() {
                    Arrays.fill(set, false);
                }

                @Override
                public void end() {
                }
            };
        }

        @Override
        public Boolean getCurrentRecord() {
            return Boolean.TRUE;
        }

        @Override
        public GroupConverter getRootConverter() {
            return root;
        }
    }

    private final class ValueConverter extends PrimitiveConverter {
        private final int column;
        private String[] dictionary;

        ValueConverter(int column) {
            this.column = column;
        }

        @Override
        public boolean hasDictionarySupport() {
            return kinds[column] == Kind.STRING;
        }

        @Override
        public void setDictionary(Dictionary d) {
            dictionary = new String[d.getMaxId() + 1];
            for (int id = 0; id <= d.getMaxId(); id++) {
                dictionary[id] = d.decodeToBinary(id).toStringUsingUTF8();
            }
        }

        @Override
        public void addValueFromDictionary(int id) {
            strings[column] = dictionary[id];
            set[column] = true;
        }

        @Override
        public void addBinary(Binary value) {
            strings[column] = value.toStringUsingUTF8();
            set[column] = true;
        }

        @Override
        public void addInt(int value) {
            longs[column] = value;
            set[column] = true;
        }

        @Override
        public void addLong(long value) {
            longs[column] = value;
            set[column] = true;
        }
    }
}
