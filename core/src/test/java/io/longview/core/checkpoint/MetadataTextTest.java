package io.longview.core.checkpoint;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.SequencedMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The strict key=value text of the metadata block. */
class MetadataTextTest {

    @Test
    void roundTripsAnyValue() {
        SequencedMap<String, String> m = new LinkedHashMap<>();
        m.put("a", "");
        m.put("b.c", "x=y, z");
        m.put("d", "two\nlines\r\n\ttabbed \\ backslash \\n not a newline ✓");
        m.put("e", "#not a comment");
        String text = MetadataText.format(m);
        assertThat(text.split("\n")).hasSize(m.size() + 1);
        assertThat(MetadataText.parse(text)).containsExactlyEntriesOf(m);
    }

    @Test
    void rejectsMalformedText() {
        assertThatThrownBy(() -> MetadataText.parse("a=1\na=2\n")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 2: key 'a' appears twice");
        assertThatThrownBy(() -> MetadataText.parse("a=1\njust text\n")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 2 'just text' has no '='");
        assertThatThrownBy(() -> MetadataText.parse("a b=1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("key 'a b' must match");
        assertThatThrownBy(() -> MetadataText.parse("a=1\\")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown escape");
        assertThatThrownBy(() -> MetadataText.parse("a=1\r\n")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("raw carriage return");
        assertThat(MetadataText.parse("# comment\n\nk=v\n")).containsExactly(java.util.Map.entry("k", "v"));
    }
}
