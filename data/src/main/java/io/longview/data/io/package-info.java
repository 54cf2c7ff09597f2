/**
 * Dataset directories ({@link io.longview.data.io.DatasetLayout}) and the event-log and item-file formats of
 * DESIGN §1: writers, strict readers ({@link io.longview.data.io.EventSources} opens CSV or JSON Lines, plain or gzip,
 * by file name; {@link io.longview.data.io.ItemFileReader}), the manifest, all-or-nothing output directories, and
 * {@link io.longview.data.io.EventLogImporter}, the {@code import csv|jsonl} command's implementation. Readers throw
 * {@link io.longview.core.io.InputException} naming file, line and value. Depends on core and
 * {@code io.longview.data.embed} (the importer learns embeddings when no item file is given).
 */
package io.longview.data.io;
