package io.gearworker.camel.gearman.policy;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryNotificationInfo;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;

import javax.management.NotificationEmitter;
import javax.management.NotificationListener;

import org.apache.camel.Route;
import org.apache.camel.api.management.ManagedAttribute;
import org.apache.camel.api.management.ManagedResource;

/**
 * Restart when the heap still holds more than a threshold right after a garbage collection: memory that GC cannot
 * reclaim, the leak that recycling workers guards against. Uses the JVM's collection-usage thresholds on the heap pools
 * that support them (the old generation), so it costs nothing between collections.
 */
@ManagedResource(description = "Restart when the heap holds more than a threshold after GC (max-memory)")
public class MaxMemoryRoutePolicy extends RestartPolicySupport {

    private final long maxBytes;
    private final NotificationListener listener = (notification, handback) -> {
        if (MemoryNotificationInfo.MEMORY_COLLECTION_THRESHOLD_EXCEEDED.equals(notification.getType())) {
            fire("max-memory", "heap pool above " + this.maxBytesText() + " after GC");
        }
    };
    private boolean registered;

    public MaxMemoryRoutePolicy(long maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("max-memory must be > 0 bytes, was " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    @ManagedAttribute(description = "Threshold (bytes): heap still used right after a GC above it requests a restart")
    public long getMaxBytes() {
        return maxBytes;
    }

    private String maxBytesText() {
        return maxBytes / (1024 * 1024) + " MiB";
    }

    @Override
    public synchronized void onStart(Route route) {
        if (registered) {
            return;
        }
        List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP && p.isCollectionUsageThresholdSupported())
                .toList();
        for (MemoryPoolMXBean pool : pools) {
            pool.setCollectionUsageThreshold(maxBytes);
        }
        ((NotificationEmitter) ManagementFactory.getMemoryMXBean()).addNotificationListener(listener, null, null);
        registered = true;
    }

    @Override
    protected synchronized void doStop() throws Exception {
        if (registered) {
            ((NotificationEmitter) ManagementFactory.getMemoryMXBean()).removeNotificationListener(listener);
            registered = false;
        }
        super.doStop();
    }
}
