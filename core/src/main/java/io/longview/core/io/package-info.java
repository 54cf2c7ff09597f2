/** Input errors with file and line, and progress lines for long work. JDK only. */
package io.longview.core.io;
