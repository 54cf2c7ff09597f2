/**
 * Parquet files on the local file system through parquet-java (parquet-hadoop, with Hadoop's shaded client API on the
 * class path but no Hadoop configuration or file system in use): {@link io.longview.parquet.ParquetEventWriter} writes
 * the event log in its Parquet schema, {@link io.longview.parquet.ParquetRowReader} reads named flat columns of a file
 * or a directory of part files, row by row, with the file and row of every value. The event log's rules (column
 * mapping, units, action names) stay in the data module, which reads through this one.
 */
package io.longview.parquet;
