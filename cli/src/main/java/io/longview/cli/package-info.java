/**
 * The {@code longview} command line (picocli): one class per command, each a thin layer over the modules' Java APIs.
 * May depend on every module.
 */
package io.longview.cli;
