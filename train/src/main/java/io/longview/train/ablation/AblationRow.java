package io.longview.train.ablation;

import io.longview.core.select.SelectionRule;
import io.longview.core.checkpoint.ModelConfig;

/**
 * One row of the ablation ladder (DESIGN §5): a model variant (with its loss) and the lifelong selection rule its
 * example files must have been built with.
 *
 * @param name          short, file-name-safe id, e.g. {@code no-sequence}, {@code v2}
 * @param label         human-readable row title, e.g. {@code RT + LL + NAL (impressions) = V2}
 * @param model         the model: its shape, sequence on/off, the sequence parts it reads (those its selection gives a
 *                      budget; training takes the budgets themselves from the example file), head weights and NAL
 * @param selectionRule the {@link SelectionRule} of S_LL in the example files this row trains and evaluates on
 */
public record AblationRow(String name, String label, ModelConfig model, SelectionRule selectionRule) {
    public AblationRow {
        if (name == null || !name.matches("[a-z0-9][a-z0-9-]*")) {
            throw new IllegalArgumentException("row name must be lowercase letters, digits and '-', got " + name);
        }
        if (label == null || model == null || selectionRule == null) {
            throw new IllegalArgumentException("row " + name + ": label, model and selection rule must be set");
        }
    }
}
