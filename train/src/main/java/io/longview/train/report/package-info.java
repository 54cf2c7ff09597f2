/** Markdown and self-contained HTML reports of ablation runs ({@link io.longview.train.report.AblationReport}). */
package io.longview.train.report;
