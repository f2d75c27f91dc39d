package io.gearworker.camel.gearman.policy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.camel.Route;
import org.apache.camel.api.management.ManagedAttribute;
import org.apache.camel.support.RoutePolicySupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Base of the restart policies: remembers the routes it is attached to and fires its {@link RestartRequest} once.
 * Without a request set, firing stops those routes asynchronously (never on the thread that noticed the limit,
 * which may be an exchange's or a consumer's thread).
 */
public abstract class RestartPolicySupport extends RoutePolicySupport {

    private static final Logger LOG = LoggerFactory.getLogger(RestartPolicySupport.class);

    private final List<Route> routes = new CopyOnWriteArrayList<>();
    private final AtomicBoolean fired = new AtomicBoolean();
    private volatile RestartRequest restartRequest;

    /** Sets what happens when the limit is reached; default: stop the routes asynchronously. */
    public void setRestartRequest(RestartRequest restartRequest) {
        this.restartRequest = restartRequest;
    }

    @Override
    public void onInit(Route route) {
        routes.add(route);
    }

    @Override
    public void onRemove(Route route) {
        routes.remove(route);
    }

    protected List<Route> routes() {
        return routes;
    }

    /** True once the limit was reached. */
    @ManagedAttribute(description = "True once the limit was reached and a restart requested")
    public boolean isFired() {
        return fired.get();
    }

    /** Reports the limit once; later calls do nothing. */
    protected void fire(String reason, String detail) {
        if (!fired.compareAndSet(false, true)) {
            return;
        }
        LOG.info("Restart requested ({}): {}", reason, detail);
        RestartRequest request = restartRequest;
        if (request != null) {
            request.restart(reason);
        } else {
            routes.forEach(this::stopRouteAsync);
        }
    }
}
