package io.gearworker.camel.gearman.test;

import io.gearworker.camel.gearman.protocol.ServerAddress;

/**
 * The test kit's {@link GearmandServer} plus the component's own address type, for the component's tests (the kit
 * cannot know {@link ServerAddress}: the component's tests depend on the kit, not the other way round).
 *
 * <pre>{@code @RegisterExtension static GearmandExtension gearmand = new GearmandExtension();}</pre>
 */
public final class GearmandExtension extends GearmandServer {

    public GearmandExtension(String... extraArgs) {
        super(extraArgs);
    }

    public ServerAddress address() {
        return new ServerAddress(host(), port());
    }
}
