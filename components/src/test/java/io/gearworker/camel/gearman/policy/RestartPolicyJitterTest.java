package io.gearworker.camel.gearman.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** Jitter is drawn once per policy, within its bound; zero jitter gives the exact limit. */
class RestartPolicyJitterTest {

    @Test
    void zeroJitterGivesTheExactLimit() {
        assertThat(new MaxJobsRoutePolicy(50, 0).getLimit()).isEqualTo(50);
        assertThat(new MaxLifetimeRoutePolicy(Duration.ofSeconds(30), Duration.ZERO).getLifetime())
                .isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void jitterSpreadsLimitsWithinTheBound() {
        Set<Integer> limits = new HashSet<>();
        Set<Duration> lifetimes = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            int limit = new MaxJobsRoutePolicy(50, 20).getLimit();
            Duration lifetime = new MaxLifetimeRoutePolicy(Duration.ofSeconds(30), Duration.ofSeconds(10))
                    .getLifetime();
            assertThat(limit).isBetween(50, 70);
            assertThat(lifetime).isBetween(Duration.ofSeconds(30), Duration.ofSeconds(40));
            limits.add(limit);
            lifetimes.add(lifetime);
        }
        assertThat(limits).as("50 draws of 0..20").hasSizeGreaterThan(5);
        assertThat(lifetimes).as("50 draws of 0..10 s").hasSizeGreaterThan(5);
    }

    @Test
    void maxJobsReservationsNeverExceedTheLimit() {
        MaxJobsRoutePolicy policy = new MaxJobsRoutePolicy(3);
        assertThat(policy.tryReserve()).isTrue();
        assertThat(policy.tryReserve()).isTrue();
        assertThat(policy.tryReserve()).isTrue();
        assertThat(policy.tryReserve()).as("a 4th grab while 3 are reserved").isFalse();
        policy.cancelReservation(); // one grab came back empty
        assertThat(policy.tryReserve()).isTrue();
        policy.jobTaken();
        policy.jobTaken();
        assertThat(policy.isFired()).isFalse();
        policy.jobTaken();
        assertThat(policy.isFired()).isTrue();
        assertThat(policy.tryReserve()).isFalse();
    }

    @Test
    void badLimitsAreRefusedWithTheirName() {
        assertThatThrownBy(() -> new MaxJobsRoutePolicy(0)).hasMessageContaining("max-jobs");
        assertThatThrownBy(() -> new MaxLifetimeRoutePolicy(Duration.ZERO, Duration.ZERO))
                .hasMessageContaining("max-lifetime");
        assertThatThrownBy(() -> new MaxMemoryRoutePolicy(0)).hasMessageContaining("max-memory");
        assertThatThrownBy(() -> new MaxJobsRoutePolicy(5, -1)).hasMessageContaining("jitter");
    }
}
