package io.gearworker.camel.gearman.health;

import java.io.IOException;
import java.util.Map;

import io.gearworker.camel.gearman.GearmanProducer;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness of a Gearman producer: UP while it holds an open connection to one of its servers or can open one now
 * (the producer connects on first use, so a check may be the first to connect); DOWN with the connection error
 * when no server can be reached. Registered in Camel's {@code producers} repository, which Camel leaves disabled
 * unless {@code camel.health.producers-enabled=true}.
 */
public class GearmanProducerHealthCheck extends AbstractHealthCheck {

    private final GearmanProducer producer;

    public GearmanProducerHealthCheck(GearmanProducer producer) {
        super("camel", "gearman-producer-" + producer.getEndpoint().getConfiguration().getFunctionName());
        this.producer = producer;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("function", producer.getEndpoint().getConfiguration().getFunctionName());
        builder.detail("servers", producer.getEndpoint().getConfiguration().getServers());
        try {
            producer.testConnection();
            builder.up();
        } catch (IOException e) {
            builder.down().message(e.getMessage()).error(e);
        }
    }
}
