package io.longview.bench;

/**
 * DJL/libtorch settings that must be in place before the PyTorch engine loads: offline mode (never download) and the
 * number of intra-op threads ({@code ai.djl.pytorch.num_threads}; inter-op 1). Values already set on the command line
 * win.
 */
final class DjlSetup {
    private DjlSetup() {
    }

    static synchronized void threads(int threads) {
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        }
        if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
    }
}
