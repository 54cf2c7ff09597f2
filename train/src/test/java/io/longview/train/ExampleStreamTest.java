package io.longview.train;

import io.longview.core.io.InputException;
import io.longview.examples.RequestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExampleStreamTest {
    @TempDir
    Path tmp;

    private Path file() {
        return SmallLogs.random(7, 12, 6, 40).build(tmp.resolve("ex"));
    }

    /** (requestId, candidate) in the order an epoch gives them. */
    private static List<String> order(ExampleStream s, int epoch) {
        List<String> out = new ArrayList<>();
        try (ExampleStream.Epoch e = s.epoch(epoch)) {
            while (e.hasNext()) {
                ExampleStream.Example x = e.next();
                out.add(x.record().requestId() + "/" + x.candidate());
            }
        }
        return out;
    }

    @Test
    void everyExampleOncePerEpochRequestsWholeSeededOrderNewEachEpoch() {
        Path f = file();
        SmallLogs.Examples all = SmallLogs.read(f);
        Set<String> expected = new HashSet<>();
        for (RequestRecord r : all.records()) {
            for (int j = 0; j < r.candidateCount(); j++) {
                expected.add(r.requestId() + "/" + j);
            }
        }
        ExampleStream s = ExampleStream.open(f, 8, 3);
        assertThat(s.examples()).isEqualTo(expected.size());
        assertThat(s.requests()).isEqualTo(all.records().size());
        List<String> e0 = order(s, 0);
        assertThat(e0).hasSize(expected.size()).containsExactlyInAnyOrderElementsOf(expected);
        // a request's candidates come consecutively, 0, 1, 2, ...
        for (int i = 0; i < e0.size(); i++) {
            String[] p = e0.get(i).split("/");
            if (!p[1].equals("0")) {
                assertThat(e0.get(i - 1)).isEqualTo(p[0] + "/" + (Integer.parseInt(p[1]) - 1));
            }
        }
        assertThat(order(ExampleStream.open(f, 8, 3), 0)).as("same seed, same order").isEqualTo(e0);
        assertThat(order(s, 1)).as("another epoch").isNotEqualTo(e0).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(order(ExampleStream.open(f, 8, 4), 0)).as("another seed").isNotEqualTo(e0);
        // a buffer of one request is the file order
        List<String> fileOrder = new ArrayList<>();
        for (RequestRecord r : all.records()) {
            for (int j = 0; j < r.candidateCount(); j++) {
                fileOrder.add(r.requestId() + "/" + j);
            }
        }
        assertThat(order(ExampleStream.open(f, 1, 3), 0)).isEqualTo(fileOrder);
    }

    @Test
    void aDirectoryOfShardsIsReadWhole() throws IOException {
        Path f = file();
        Path dir = Files.createDirectories(tmp.resolve("shards"));
        Files.copy(f, dir.resolve("part-00000.lvx"));
        Files.copy(f, dir.resolve("part-00001.lvx"));
        Files.writeString(dir.resolve("_SUCCESS"), "");
        ExampleStream one = ExampleStream.open(f, 4, 1);
        ExampleStream two = ExampleStream.open(dir, 4, 1);
        assertThat(two.files()).hasSize(2);
        assertThat(two.examples()).isEqualTo(2 * one.examples());
        assertThat(order(two, 0)).hasSize((int) (2 * one.examples()));
        assertThatThrownBy(() -> ExampleStream.open(Files.createDirectories(tmp.resolve("empty")), 4, 1))
                .isInstanceOf(InputException.class).hasMessageContaining("without any *.lvx");
    }

    @Test
    void aCorruptFileStopsTheEpochNamingTheFileAndByteOffset() throws IOException {
        Path f = file();
        byte[] all = Files.readAllBytes(f);
        ExampleStream s = ExampleStream.open(f, 4, 1);
        // corrupt a byte in the middle of the records (footer intact, so opening succeeds)
        byte[] bad = Arrays.copyOf(all, all.length);
        bad[all.length / 2] ^= 0x5a;
        Files.write(f, bad);
        assertThatThrownBy(() -> order(s, 0)).isInstanceOf(InputException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("byte");
        // truncated
        Files.write(f, Arrays.copyOf(all, all.length / 2));
        assertThatThrownBy(() -> ExampleStream.open(f, 4, 1)).isInstanceOf(InputException.class).hasMessageContaining("truncated");
    }
}
