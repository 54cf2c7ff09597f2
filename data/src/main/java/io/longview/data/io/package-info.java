/**
 * Dataset directories ({@link io.longview.data.io.DatasetLayout}) and the event-log and item-file formats of
 * DESIGN §1: writers, validating readers, the manifest, and all-or-nothing output directories.
 * Depends on core.
 */
package io.longview.data.io;
