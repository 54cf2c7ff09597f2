package io.longview.kernels;

import java.util.Locale;

/**
 * Picks the {@link KernelSupport} once, when first used (the holder idiom):
 * <ul>
 *   <li>{@code -Dlongview.kernels=scalar} or {@code =vector} forces a choice; {@code vector} without the
 *       {@code jdk.incubator.vector} module fails (an {@link IllegalStateException} naming the flag) rather than
 *       silently running scalar;</li>
 *   <li>otherwise the Vector API kernels when {@code jdk.incubator.vector} is in the boot layer, else the scalar ones
 *       and one warning on stderr naming the missing flag {@code --add-modules jdk.incubator.vector}.</li>
 * </ul>
 * The Vector API class is loaded by name, so that no class of {@code jdk.incubator.vector} is touched without the module.
 */
final class KernelProvider {
    /** The system property that forces a choice. */
    static final String PROPERTY = "longview.kernels";
    static final String MODULE = "jdk.incubator.vector";

    private KernelProvider() {
    }

    /** The implementation in use. */
    static KernelSupport get() {
        return Holder.SUPPORT;
    }

    private static final class Holder {
        static final KernelSupport SUPPORT = choose(System.getProperty(PROPERTY), vectorModuleReadable());
    }

    static boolean vectorModuleReadable() {
        return ModuleLayer.boot().findModule(MODULE).isPresent();
    }

    /** The choice for a property value (null or blank: none) and the module's presence; package-private for tests. */
    static KernelSupport choose(String forced, boolean moduleReadable) {
        if (forced != null && !forced.isBlank()) {
            return switch (forced.trim().toLowerCase(Locale.ROOT)) {
                case "scalar" -> new ScalarKernelSupport();
                case "vector" -> {
                    if (!moduleReadable) {
                        throw new IllegalStateException("-D" + PROPERTY + "=vector, but the module " + MODULE
                                + " is not readable: start the JVM with --add-modules " + MODULE);
                    }
                    yield vector();
                }
                default -> throw new IllegalStateException("-D" + PROPERTY + " must be scalar or vector, got '" + forced + "'");
            };
        }
        if (moduleReadable) {
            return vector();
        }
        System.err.println("WARNING: Longview kernels run scalar (slow): the module " + MODULE
                + " is not readable; start the JVM with --add-modules " + MODULE + " (or set -D" + PROPERTY + "=scalar to silence this)");
        return new ScalarKernelSupport();
    }

    private static KernelSupport vector() {
        try {
            return (KernelSupport) Class.forName("io.longview.kernels.PanamaKernelSupport").getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("cannot load the Vector API kernels (is --add-modules " + MODULE + " set?): " + e, e);
        }
    }
}
