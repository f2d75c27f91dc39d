package io.gearworker.routes.workflow;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.gearworker.camel.gearman.GearmanConstants;
import io.gearworker.camel.gearman.GearmanJob;
import io.gearworker.routes.Quoted;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProducer;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;
import org.apache.camel.support.service.ServiceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Submits a parent job's children to an endpoint (a {@code gearman:} producer) and continues the parent once all
 * have answered, with at most {@code maxInFlight} children submitted and unanswered at any time. No thread waits
 * for a child: each answer, on the producer's own thread, submits the next child.
 * <p>
 * In: the exchange property {@link #CHILDREN}, the children's workloads. Out: the property {@link #RESULTS}, their
 * results in the same order. As children succeed, the parent's caller gets WORK_STATUS {@code k/N}. The first
 * child that fails (or times out) stops further submissions; once the children in flight have answered, the parent
 * fails with a {@link WorkflowStepException} naming that child.
 * <p>
 * Each child's unique id comes from {@link ChildIds} with its index: the same within one run of the parent, fresh
 * in each run. A parent that runs again (its worker was killed or handed it back) therefore submits and waits for
 * all its children anew; those that had finished or were still running in the earlier run run a second time. The
 * earlier run's queued children are dropped by gearmand unrun, unless a worker took them while that run still
 * waited (during its worker's shutdown-timeout drain, say).
 */
public final class FanOut extends AsyncProcessorSupport implements CamelContextAware {

    /** Exchange property: {@code List<?>} of the children's workloads. */
    public static final String CHILDREN = "GearworkerFanOutChildren";
    /** Exchange property set on success: {@code List<String>} of the children's results, in order. */
    public static final String RESULTS = "GearworkerFanOutResults";

    private static final Logger LOG = LoggerFactory.getLogger(FanOut.class);

    private final String childUri;
    private final int maxInFlight;
    private CamelContext camelContext;
    private Endpoint endpoint;
    private AsyncProducer producer;

    public FanOut(String childUri, int maxInFlight) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be >= 1, got " + maxInFlight);
        }
        this.childUri = childUri;
        this.maxInFlight = maxInFlight;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    public int getMaxInFlight() {
        return maxInFlight;
    }

    @Override
    protected void doStart() throws Exception {
        endpoint = camelContext.getEndpoint(childUri);
        producer = endpoint.createAsyncProducer();
        ServiceHelper.startService(producer);
    }

    @Override
    protected void doStop() throws Exception {
        ServiceHelper.stopService(producer);
        producer = null;
    }

    @Override
    public boolean process(Exchange parent, AsyncCallback callback) {
        List<?> workloads = parent.getProperty(CHILDREN, List.class);
        if (workloads == null || workloads.isEmpty()) {
            parent.setProperty(RESULTS, List.of());
            callback.done(true);
            return true;
        }
        new Run(parent, workloads, callback).pump();
        return false;
    }

    /** One parent's children: which to submit next, how many are in flight, the first failure. */
    private final class Run {

        private final Exchange parent;
        private final List<?> workloads;
        private final AsyncCallback callback;
        private final GearmanJob job;
        private final String[] results;
        private int next;            // guarded by this
        private int inFlight;        // guarded by this
        private int succeeded;       // guarded by this
        private Exception failure;   // guarded by this
        private boolean finished;    // guarded by this

        Run(Exchange parent, List<?> workloads, AsyncCallback callback) {
            this.parent = parent;
            this.workloads = workloads;
            this.callback = callback;
            this.job = parent.getProperty(GearmanConstants.JOB, GearmanJob.class);
            this.results = new String[workloads.size()];
        }

        /** Submits children while the limit allows, then finishes the parent if nothing is left to wait for. */
        void pump() {
            while (true) {
                int index;
                synchronized (this) {
                    if (failure != null || next == workloads.size() || inFlight >= maxInFlight) {
                        break;
                    }
                    index = next++;
                    inFlight++;
                }
                submit(index);
            }
            finishIfDone();
        }

        private void submit(int index) {
            Exchange child = endpoint.createExchange();
            child.getMessage().setBody(workloads.get(index));
            child.getMessage().setHeader(GearmanConstants.UNIQUE_ID, ChildIds.of(parent, Integer.toString(index)));
            producer.process(child, doneSync -> answered(index, child));
        }

        private void answered(int index, Exchange child) {
            synchronized (this) {
                inFlight--;
                if (child.isFailed()) {
                    if (failure == null) {
                        failure = new WorkflowStepException(describe(index, child) + " failed: "
                                + child.getException().getMessage(), child.getException());
                    }
                } else {
                    results[index] = child.getMessage().getBody(String.class);
                    succeeded++;
                    reportProgress(succeeded);
                }
            }
            pump();
        }

        private String describe(int index, Exchange child) {
            return "child " + (index + 1) + "/" + workloads.size() + " (" + childUri + " "
                   + Quoted.workload(String.valueOf(workloads.get(index))) + ", unique id "
                   + child.getMessage().getHeader(GearmanConstants.UNIQUE_ID) + ")";
        }

        /** WORK_STATUS k/N to the parent's caller; called in order, under the lock. */
        private void reportProgress(int done) {
            if (job == null) {
                return;
            }
            try {
                job.sendStatus(done, workloads.size());
            } catch (IOException e) {
                // the parent's connection is gone: gearmand runs the parent again, the result will not be sent
                LOG.debug("Could not report progress {}/{} of {}: {}", done, workloads.size(), job, e.getMessage());
            }
        }

        private void finishIfDone() {
            Exception failed;
            synchronized (this) {
                if (finished || inFlight > 0 || (failure == null && succeeded < workloads.size())) {
                    return;
                }
                finished = true;
                failed = failure;
            }
            if (failed != null) {
                parent.setException(failed);
            } else {
                parent.setProperty(RESULTS, new ArrayList<>(Arrays.asList(results)));
            }
            callback.done(false);
        }
    }
}
