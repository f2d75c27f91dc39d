package io.gearworker.camel.gearman;

import java.net.InetAddress;
import java.net.UnknownHostException;

import io.gearworker.camel.gearman.protocol.PacketCodec;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.support.DefaultEndpoint;

/** A Gearman function on one or more gearmand servers: consume = work on its jobs, produce = submit jobs. */
@UriEndpoint(firstVersion = "0.1.0", scheme = "gearman", title = "Gearman", syntax = "gearman:functionName",
             category = { Category.MESSAGING }, headersClass = GearmanConstants.class)
public class GearmanEndpoint extends DefaultEndpoint {

    @UriParam
    private final GearmanConfiguration configuration;

    public GearmanEndpoint(String uri, GearmanComponent component, GearmanConfiguration configuration) {
        super(uri, component);
        this.configuration = configuration;
    }

    @Override
    public GearmanComponent getComponent() {
        return (GearmanComponent) super.getComponent();
    }

    public GearmanConfiguration getConfiguration() {
        return configuration;
    }

    @Override
    public Producer createProducer() {
        return new GearmanProducer(this);
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        GearmanConsumer consumer = new GearmanConsumer(this, processor);
        configureConsumer(consumer);
        return consumer;
    }

    PacketCodec codec() {
        return new PacketCodec(configuration.getMaxPayloadSize());
    }

    /** The configured worker id, or {@code <hostname>-<pid>}. */
    public String workerId() {
        String id = configuration.getWorkerId();
        return id != null ? id : defaultWorkerId();
    }

    public static String defaultWorkerId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        return host + "-" + ProcessHandle.current().pid();
    }
}
