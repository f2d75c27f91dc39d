package io.gearworker.camel.gearman;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;

import io.gearworker.camel.gearman.protocol.ConnectionWatchdog;
import io.gearworker.camel.gearman.protocol.JobPriority;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.PropertyConfigurerGetter;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.HealthCheckComponent;

/**
 * The {@code gearman:} component: {@code from("gearman:fn")} makes this process a Gearman worker for {@code fn};
 * {@code to("gearman:fn")} submits jobs. Component-level options are defaults for every endpoint: each option of
 * {@link GearmanConfiguration} is also a component option ({@code camel.component.gearman.servers=…}), set on the
 * shared configuration by the generated {@code GearmanComponentConfigurer}.
 */
@Component("gearman")
public class GearmanComponent extends HealthCheckComponent {

    @Metadata(label = "advanced",
              description = "Defaults for every endpoint's options; each of its options is also a component option.")
    private GearmanConfiguration configuration = new GearmanConfiguration();

    private final List<GearmanJobListener> jobListeners = new CopyOnWriteArrayList<>();
    private ScheduledExecutorService watchdogs; // guarded by this; created on first use


    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        GearmanConfiguration config = configuration.copy();
        config.setFunctionName(remaining);
        PropertyConfigurerGetter options = (PropertyConfigurerGetter) getEndpointPropertyConfigurer();
        for (Map.Entry<String, Object> p : parameters.entrySet()) {
            if (p.getValue() instanceof String written) {
                String problem = OptionValues.problem(options.getOptionType(p.getKey(), true), written.strip());
                if (problem != null) {
                    throw new IllegalArgumentException("gearman: option " + p.getKey() + "=" + written + ": " + problem);
                }
            }
        }
        Object priority = parameters.get("priority");
        if (priority instanceof String text) {
            // parsed here so that a bad value is reported with the values allowed
            try {
                parameters.put("priority", JobPriority.parse(text));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("gearman: option " + e.getMessage());
            }
        }
        GearmanEndpoint endpoint = new GearmanEndpoint(uri, this, config);
        // the generated GearmanEndpointConfigurer sets the gearman options on config and Camel's generic ones
        setProperties(endpoint, parameters);
        config.validate();
        return endpoint;
    }

    public GearmanConfiguration getConfiguration() {
        return configuration;
    }

    public void setConfiguration(GearmanConfiguration configuration) {
        this.configuration = configuration;
    }

    /** Adds a listener told of every job on every consumer of this component. */
    public void addJobListener(GearmanJobListener listener) {
        jobListeners.add(listener);
    }

    public void removeJobListener(GearmanJobListener listener) {
        jobListeners.remove(listener);
    }

    List<GearmanJobListener> jobListeners() {
        return jobListeners;
    }

    /**
     * The one thread that runs every consumer's and producer's {@link ConnectionWatchdog} task (each a few
     * microseconds per look, planned for when a heartbeat or an answer is due), from Camel's executor service manager.
     */
    synchronized ScheduledExecutorService watchdogScheduler() {
        if (watchdogs == null) {
            watchdogs = getCamelContext().getExecutorServiceManager()
                    .newSingleThreadScheduledExecutor(this, "GearmanWatchdog");
        }
        return watchdogs;
    }

    @Override
    protected void doStop() throws Exception {
        synchronized (this) {
            if (watchdogs != null) {
                getCamelContext().getExecutorServiceManager().shutdownNow(watchdogs);
                watchdogs = null;
            }
        }
        super.doStop();
    }
}
