/**
 * Shared I/O: input errors with file and line ({@link io.longview.core.io.InputException}), progress lines, waiting
 * on futures, atomic file writes and recursive deletes ({@link io.longview.core.io.AtomicFiles}) and little-endian
 * byte access ({@link io.longview.core.io.LittleEndian}) for every file format. JDK only.
 */
package io.longview.core.io;
