package io.longview.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EngineLoadTest {
    @Test
    void pytorchEngineLoadsOffline() {
        assertThat(System.getProperty("ai.djl.offline")).isEqualTo("true");
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray a = m.create(new float[]{1, 2, 3});
            assertThat(a.sum().getFloat()).isEqualTo(6f);
            assertThat(m.getEngine().getEngineName()).isEqualTo("PyTorch");
        }
    }
}
