package io.gearworker.camel.gearman.springboot;

import io.gearworker.camel.gearman.GearmanConfiguration;
import io.gearworker.camel.gearman.protocol.JobPriority;
import org.apache.camel.spring.boot.ComponentConfigurationPropertiesCommon;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The gearman component's options as Spring Boot properties ({@code camel.component.gearman.*}, kebab or camel
 * case), one field per option of the component's catalog ({@code gearman.json}); {@link GearmanComponentAutoConfiguration}
 * copies the ones set onto the component. {@code GearmanStarterDriftTest} fails when the two differ.
 */
@ConfigurationProperties(prefix = "camel.component.gearman")
public class GearmanComponentConfiguration extends ComponentConfigurationPropertiesCommon {

    /**
     * Comma-separated gearmand servers (host:port). The consumer works for all of them; the producer spreads jobs over
     * them round robin.
     */
    private String servers = "127.0.0.1:4730";

    /**
     * Fail start-up when a server cannot be reached, instead of retrying in the background.
     */
    private Boolean testConnectionOnStartup = false;

    /**
     * Allows for bridging the consumer to the Camel routing Error Handler, which mean any exceptions (if possible)
     * occurred while the Camel consumer is trying to pickup incoming messages, or the likes, will now be processed as
     * a message and handled by the routing Error Handler. Important: This is only possible if the 3rd party component
     * allows Camel to be alerted if an exception was thrown. Some components handle this internally only, and
     * therefore bridgeErrorHandler is not possible. In other situations we may improve the Camel component to hook
     * into the 3rd party component and make this possible for future releases. By default the consumer will use the
     * org.apache.camel.spi.ExceptionHandler to deal with exceptions, that will be logged at WARN or ERROR level and
     * ignored.
     */
    private Boolean bridgeErrorHandler = false;

    /**
     * Register with CAN_DO_TIMEOUT: gearmand requeues a job not finished within this many seconds. 0 = no timeout.
     */
    private Integer canDoTimeout = 0;

    /**
     * Job slots: the most jobs this endpoint runs at once, counted across all servers. A job is grabbed only when a
     * slot is free (no prefetch).
     */
    private Integer concurrentConsumers = 1;

    /**
     * On a failed exchange, send WORK_EXCEPTION with the exception message instead of WORK_FAIL, so clients that asked
     * for exceptions see why. gearmand ends the job on WORK_EXCEPTION and forwards it only to clients that set the
     * 'exceptions' option; others (e.g. the gearman CLI) are never told, so enable this only for such clients.
     */
    private Boolean sendExceptions = false;

    /**
     * The worker id sent with SET_CLIENT_ID (shown by gearadmin --workers). Default: -.
     */
    private String workerId;

    /**
     * Submit as a background job: the producer returns as soon as gearmand queued it, with the handle in
     * CamelGearmanJobHandle.
     */
    private Boolean background = false;

    /**
     * Whether the producer should be started lazy (on the first message). By starting lazy you can use this to allow
     * CamelContext and routes to startup in situations where a producer may otherwise fail during starting and cause
     * the route to fail being started. By deferring this startup to be lazy then the startup failure can be handled
     * during routing messages via Camel's routing error handlers. Beware that when the first message is processed then
     * creating and starting the producer may take a little time and prolong the total processing time of the
     * processing.
     */
    private Boolean lazyStartProducer = false;

    /**
     * Job priority.
     */
    private JobPriority priority = JobPriority.NORMAL;

    /**
     * How long a foreground submission waits for its result (ms); 0 = no limit. On timeout the exchange fails; the job
     * itself stays with gearmand.
     */
    private Long timeout = 0L;

    /**
     * When a submission's JOB_CREATED never comes (its server closed the connection or fell silent for answerTimeout
     * first), submit it to the next server in its order instead of failing the exchange. At-least-once: the lost
     * server may have queued the job too, so it may run twice. A foreground job lost after JOB_CREATED always fails.
     */
    private Boolean resubmitUnanswered = false;

    /**
     * Whether autowiring is enabled. This is used for automatic autowiring options (the option must be marked as
     * autowired) by looking up in the registry to find if there is a single instance of matching type, which then gets
     * configured on the component. This can be used for automatic configuring JDBC data sources, JMS connection
     * factories, AWS Clients, etc.
     */
    private Boolean autowiredEnabled = true;

    /**
     * Defaults for every endpoint's options; each of its options is also a component option. A bean (reference #name);
     * the options of this class that are set win over it, as they are copied after it.
     */
    private GearmanConfiguration configuration;

    /**
     * TCP connect timeout (ms). When answerTimeout is not set and this is not its default, it is also the answer
     * timeout (the behaviour before answerTimeout existed).
     */
    private Long connectTimeout = 3000L;

    /**
     * How long gearmand may take to answer a request (ms): the answer to a grab, the ECHO that confirms a new
     * connection, a result no grab follows or a heartbeat, and a submission's JOB_CREATED. An answer overdue closes
     * the connection (reconnect with backoff; a worker's job running meanwhile is never cut off). Default: 2000, or
     * connectTimeout when only that is set.
     */
    private Long answerTimeout;

    /**
     * How often a connection that waits on its server (a sleeping worker connection, a client waiting for a
     * foreground job) proves the server alive with an ECHO round trip (ms). A silently lost server is noticed within
     * the liveness bound: heartbeatInterval plus answerTimeout.
     */
    private Long heartbeatInterval = 10000L;

    /**
     * Largest packet data accepted or sent (bytes). A larger incoming job is failed with WORK_FAIL and the connection
     * kept (any other larger incoming packet is a protocol error: reconnect with backoff); a larger result fails the
     * job, a larger submission fails the exchange.
     */
    private Integer maxPayloadSize = 67108864;

    /**
     * Longest delay between reconnect attempts (ms).
     */
    private Long maxReconnectDelay = 1000L;

    /**
     * First delay before reconnecting to a lost server (ms); doubles on each failure.
     */
    private Long reconnectDelay = 100L;

    /**
     * Used for enabling or disabling all consumer based health checks from this component
     */
    private Boolean healthCheckConsumerEnabled = true;

    /**
     * Used for enabling or disabling all producer based health checks from this component. Notice: Camel has by
     * default disabled all producer based health-checks. You can turn on producer checks globally by setting
     * camel.health.producersEnabled=true.
     */
    private Boolean healthCheckProducerEnabled = true;

    public String getServers() {
        return servers;
    }

    public void setServers(String servers) {
        this.servers = servers;
    }

    public Boolean getTestConnectionOnStartup() {
        return testConnectionOnStartup;
    }

    public void setTestConnectionOnStartup(Boolean testConnectionOnStartup) {
        this.testConnectionOnStartup = testConnectionOnStartup;
    }

    public Boolean getBridgeErrorHandler() {
        return bridgeErrorHandler;
    }

    public void setBridgeErrorHandler(Boolean bridgeErrorHandler) {
        this.bridgeErrorHandler = bridgeErrorHandler;
    }

    public Integer getCanDoTimeout() {
        return canDoTimeout;
    }

    public void setCanDoTimeout(Integer canDoTimeout) {
        this.canDoTimeout = canDoTimeout;
    }

    public Integer getConcurrentConsumers() {
        return concurrentConsumers;
    }

    public void setConcurrentConsumers(Integer concurrentConsumers) {
        this.concurrentConsumers = concurrentConsumers;
    }

    public Boolean getSendExceptions() {
        return sendExceptions;
    }

    public void setSendExceptions(Boolean sendExceptions) {
        this.sendExceptions = sendExceptions;
    }

    public String getWorkerId() {
        return workerId;
    }

    public void setWorkerId(String workerId) {
        this.workerId = workerId;
    }

    public Boolean getBackground() {
        return background;
    }

    public void setBackground(Boolean background) {
        this.background = background;
    }

    public Boolean getLazyStartProducer() {
        return lazyStartProducer;
    }

    public void setLazyStartProducer(Boolean lazyStartProducer) {
        this.lazyStartProducer = lazyStartProducer;
    }

    public JobPriority getPriority() {
        return priority;
    }

    public void setPriority(JobPriority priority) {
        this.priority = priority;
    }

    public Long getTimeout() {
        return timeout;
    }

    public void setTimeout(Long timeout) {
        this.timeout = timeout;
    }

    public Boolean getAutowiredEnabled() {
        return autowiredEnabled;
    }

    public void setAutowiredEnabled(Boolean autowiredEnabled) {
        this.autowiredEnabled = autowiredEnabled;
    }

    public GearmanConfiguration getConfiguration() {
        return configuration;
    }

    public void setConfiguration(GearmanConfiguration configuration) {
        this.configuration = configuration;
    }

    public Long getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(Long connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public Integer getMaxPayloadSize() {
        return maxPayloadSize;
    }

    public void setMaxPayloadSize(Integer maxPayloadSize) {
        this.maxPayloadSize = maxPayloadSize;
    }

    public Long getMaxReconnectDelay() {
        return maxReconnectDelay;
    }

    public void setMaxReconnectDelay(Long maxReconnectDelay) {
        this.maxReconnectDelay = maxReconnectDelay;
    }

    public Long getAnswerTimeout() {
        return answerTimeout;
    }

    public void setAnswerTimeout(Long answerTimeout) {
        this.answerTimeout = answerTimeout;
    }

    public Long getHeartbeatInterval() {
        return heartbeatInterval;
    }

    public void setHeartbeatInterval(Long heartbeatInterval) {
        this.heartbeatInterval = heartbeatInterval;
    }

    public Boolean getResubmitUnanswered() {
        return resubmitUnanswered;
    }

    public void setResubmitUnanswered(Boolean resubmitUnanswered) {
        this.resubmitUnanswered = resubmitUnanswered;
    }

    public Long getReconnectDelay() {
        return reconnectDelay;
    }

    public void setReconnectDelay(Long reconnectDelay) {
        this.reconnectDelay = reconnectDelay;
    }

    public Boolean getHealthCheckConsumerEnabled() {
        return healthCheckConsumerEnabled;
    }

    public void setHealthCheckConsumerEnabled(Boolean healthCheckConsumerEnabled) {
        this.healthCheckConsumerEnabled = healthCheckConsumerEnabled;
    }

    public Boolean getHealthCheckProducerEnabled() {
        return healthCheckProducerEnabled;
    }

    public void setHealthCheckProducerEnabled(Boolean healthCheckProducerEnabled) {
        this.healthCheckProducerEnabled = healthCheckProducerEnabled;
    }
}
