package io.gearworker.camel.gearman;

import java.time.Duration;
import java.util.List;

import io.gearworker.camel.gearman.protocol.JobPriority;
import io.gearworker.camel.gearman.protocol.Liveness;
import io.gearworker.camel.gearman.protocol.PacketCodec;
import io.gearworker.camel.gearman.protocol.ServerAddress;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;
import org.apache.camel.spi.UriPath;

/** The options of a {@code gearman:} endpoint, all typed and checked when the endpoint is created. */
@UriParams
public class GearmanConfiguration implements Cloneable {

    static final long DEFAULT_ANSWER_TIMEOUT = 2000;
    static final long DEFAULT_CONNECT_TIMEOUT = 3000;
    static final long DEFAULT_HEARTBEAT_INTERVAL = 10_000;

    @UriPath(description = "The Gearman function: registered by the consumer, submitted to by the producer.")
    @Metadata(required = true)
    private String functionName;

    @UriParam(defaultValue = "127.0.0.1:4730",
              description = "Comma-separated gearmand servers (host:port). The consumer works for all of them. The"
                            + " producer sends a job with a unique id to the server the id hashes to (stable across"
                            + " processes), others round robin; a server that is down or silent is skipped.")
    private String servers = "127.0.0.1:4730";

    @UriParam(label = "consumer", defaultValue = "1",
              description = "Job slots: the most jobs this endpoint runs at once, counted across all servers."
                            + " A job is grabbed only when a slot is free (no prefetch).")
    private int concurrentConsumers = 1;

    @UriParam(label = "consumer",
              description = "The worker id sent with SET_CLIENT_ID (shown by gearadmin --workers)."
                            + " Default: <hostname>-<pid>.")
    private String workerId;

    @UriParam(label = "consumer", defaultValue = "false",
              description = "On a failed exchange, send WORK_EXCEPTION with the exception message instead of"
                            + " WORK_FAIL, so clients that asked for exceptions see why. gearmand ends the job on"
                            + " WORK_EXCEPTION and forwards it only to clients that set the 'exceptions' option;"
                            + " others (e.g. the gearman CLI) are never told, so enable this only for such clients.")
    private boolean sendExceptions;

    @UriParam(label = "consumer", defaultValue = "0",
              description = "Register with CAN_DO_TIMEOUT: gearmand requeues a job not finished within this many"
                            + " seconds. 0 = no timeout.")
    private int canDoTimeout;

    @UriParam(label = "producer", defaultValue = "false",
              description = "Submit as a background job: the producer returns as soon as gearmand queued it, with"
                            + " the handle in CamelGearmanJobHandle.")
    private boolean background;

    @UriParam(label = "producer", defaultValue = "normal", enums = "low,normal,high",
              description = "Job priority.")
    private JobPriority priority = JobPriority.NORMAL;

    @UriParam(label = "producer", defaultValue = "0",
              description = "How long a foreground submission waits for its result (ms); 0 = no limit."
                            + " On timeout the exchange fails; the job itself stays with gearmand.")
    private long timeout;

    @UriParam(label = "producer", defaultValue = "false",
              description = "When a submission's JOB_CREATED never comes (its server closed the connection or fell"
                            + " silent for answerTimeout first), submit it to the next server in its order instead"
                            + " of failing the exchange. At-least-once: the lost server may have queued the job"
                            + " too, so it may run twice. A foreground job lost after JOB_CREATED always fails.")
    private boolean resubmitUnanswered;

    @UriParam(defaultValue = "false",
              description = "Fail start-up when a server cannot be reached, instead of retrying in the background.")
    private boolean testConnectionOnStartup;

    @UriParam(label = "advanced", defaultValue = "3000",
              description = "TCP connect timeout (ms). When answerTimeout is not set and this is not its default,"
                            + " it is also the answer timeout (the behaviour before answerTimeout existed).")
    private long connectTimeout = DEFAULT_CONNECT_TIMEOUT;

    @UriParam(label = "advanced",
              description = "How long gearmand may take to answer a request (ms): the answer to a grab, the ECHO"
                            + " that confirms a new connection, a result no grab follows or a heartbeat, and a"
                            + " submission's JOB_CREATED. An answer overdue closes the connection (reconnect with"
                            + " backoff; a worker's job running meanwhile is never cut off). Default: 2000, or"
                            + " connectTimeout when only that is set.")
    private long answerTimeout;

    @UriParam(label = "advanced", defaultValue = "10000",
              description = "How often a connection that waits on its server (a sleeping worker connection, a"
                            + " client waiting for a foreground job) proves the server alive with an ECHO round"
                            + " trip (ms). A silently lost server is noticed within the liveness bound:"
                            + " heartbeatInterval plus answerTimeout.")
    private long heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;

    @UriParam(label = "advanced", defaultValue = "100",
              description = "First delay before reconnecting to a lost server (ms); doubles on each failure.")
    private long reconnectDelay = 100;

    @UriParam(label = "advanced", defaultValue = "1000",
              description = "Longest delay between reconnect attempts (ms).")
    private long maxReconnectDelay = 1000;

    @UriParam(label = "advanced", defaultValue = "67108864",
              description = "Largest packet data accepted or sent (bytes). A larger incoming job is failed with"
                            + " WORK_FAIL and the connection kept (any other larger incoming packet is a protocol"
                            + " error: reconnect with backoff); a larger result fails the job, a larger submission"
                            + " fails the exchange.")
    private int maxPayloadSize = PacketCodec.DEFAULT_MAX_PAYLOAD_SIZE;

    /** Checks every option; the message names the option and what is allowed. */
    public void validate() {
        require(functionName != null && !functionName.isEmpty() && functionName.indexOf('\0') < 0,
                "functionName", functionName, "a non-empty function name, as in gearman:reverse");
        try {
            ServerAddress.parseList(servers);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("gearman: option servers='" + servers + "' is invalid: "
                                               + e.getMessage() + " (expected host:port[,host:port…])", e);
        }
        require(concurrentConsumers >= 1, "concurrentConsumers", concurrentConsumers, "an integer >= 1");
        require(canDoTimeout >= 0, "canDoTimeout", canDoTimeout, "seconds >= 0");
        require(timeout >= 0, "timeout", timeout, "milliseconds >= 0");
        require(connectTimeout > 0, "connectTimeout", connectTimeout, "milliseconds > 0");
        require(answerTimeout >= 0, "answerTimeout", answerTimeout, "milliseconds > 0 (0: the default)");
        require(heartbeatInterval > 0, "heartbeatInterval", heartbeatInterval, "milliseconds > 0");
        require(reconnectDelay > 0, "reconnectDelay", reconnectDelay, "milliseconds > 0");
        require(maxReconnectDelay >= reconnectDelay, "maxReconnectDelay", maxReconnectDelay,
                "milliseconds >= reconnectDelay (" + reconnectDelay + ")");
        require(maxPayloadSize > 0, "maxPayloadSize", maxPayloadSize, "bytes > 0");
        require(workerId == null || (!workerId.isBlank() && workerId.chars().noneMatch(Character::isWhitespace)),
                "workerId", workerId, "a non-empty id without spaces");
    }

    private static void require(boolean ok, String option, Object value, String allowed) {
        if (!ok) {
            throw new IllegalArgumentException("gearman: option " + option + "=" + value + " is invalid; allowed: "
                                               + allowed);
        }
    }

    /**
     * The timeouts every connection of this endpoint keeps: connectTimeout, the effective answerTimeout (see
     * {@link #effectiveAnswerTimeout()}) and heartbeatInterval.
     */
    public Liveness liveness() {
        return new Liveness(Duration.ofMillis(connectTimeout), Duration.ofMillis(effectiveAnswerTimeout()),
                Duration.ofMillis(heartbeatInterval));
    }

    /**
     * answerTimeout when set; else connectTimeout when it is not its default; else {@value #DEFAULT_ANSWER_TIMEOUT}
     * ms. "Not its default" rather than "set": binders such as a Spring Boot starter set every option, defaults too.
     */
    public long effectiveAnswerTimeout() {
        if (answerTimeout > 0) {
            return answerTimeout;
        }
        return connectTimeout != DEFAULT_CONNECT_TIMEOUT ? connectTimeout : DEFAULT_ANSWER_TIMEOUT;
    }

    public List<ServerAddress> serverList() {
        return ServerAddress.parseList(servers);
    }

    public GearmanConfiguration copy() {
        try {
            return (GearmanConfiguration) clone();
        } catch (CloneNotSupportedException e) {
            throw new RuntimeCamelException(e);
        }
    }

    public String getFunctionName() {
        return functionName;
    }

    public void setFunctionName(String functionName) {
        this.functionName = functionName;
    }

    public String getServers() {
        return servers;
    }

    public void setServers(String servers) {
        this.servers = servers;
    }

    public int getConcurrentConsumers() {
        return concurrentConsumers;
    }

    public void setConcurrentConsumers(int concurrentConsumers) {
        this.concurrentConsumers = concurrentConsumers;
    }

    public String getWorkerId() {
        return workerId;
    }

    public void setWorkerId(String workerId) {
        this.workerId = workerId;
    }

    public boolean isSendExceptions() {
        return sendExceptions;
    }

    public void setSendExceptions(boolean sendExceptions) {
        this.sendExceptions = sendExceptions;
    }

    public int getCanDoTimeout() {
        return canDoTimeout;
    }

    public void setCanDoTimeout(int canDoTimeout) {
        this.canDoTimeout = canDoTimeout;
    }

    public boolean isBackground() {
        return background;
    }

    public void setBackground(boolean background) {
        this.background = background;
    }

    public JobPriority getPriority() {
        return priority;
    }

    public void setPriority(JobPriority priority) {
        this.priority = priority;
    }

    public long getTimeout() {
        return timeout;
    }

    public void setTimeout(long timeout) {
        this.timeout = timeout;
    }

    public boolean isResubmitUnanswered() {
        return resubmitUnanswered;
    }

    public void setResubmitUnanswered(boolean resubmitUnanswered) {
        this.resubmitUnanswered = resubmitUnanswered;
    }

    public boolean isTestConnectionOnStartup() {
        return testConnectionOnStartup;
    }

    public void setTestConnectionOnStartup(boolean testConnectionOnStartup) {
        this.testConnectionOnStartup = testConnectionOnStartup;
    }

    public long getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(long connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public long getAnswerTimeout() {
        return answerTimeout;
    }

    public void setAnswerTimeout(long answerTimeout) {
        this.answerTimeout = answerTimeout;
    }

    public long getHeartbeatInterval() {
        return heartbeatInterval;
    }

    public void setHeartbeatInterval(long heartbeatInterval) {
        this.heartbeatInterval = heartbeatInterval;
    }

    public long getReconnectDelay() {
        return reconnectDelay;
    }

    public void setReconnectDelay(long reconnectDelay) {
        this.reconnectDelay = reconnectDelay;
    }

    public long getMaxReconnectDelay() {
        return maxReconnectDelay;
    }

    public void setMaxReconnectDelay(long maxReconnectDelay) {
        this.maxReconnectDelay = maxReconnectDelay;
    }

    public int getMaxPayloadSize() {
        return maxPayloadSize;
    }

    public void setMaxPayloadSize(int maxPayloadSize) {
        this.maxPayloadSize = maxPayloadSize;
    }
}
