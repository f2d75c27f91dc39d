package io.gearworker.camel.gearman.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

import org.junit.jupiter.api.Test;

/** Which server a job goes to: by its unique id's rendezvous hash, stable across processes and list orders. */
class GearmanClientOrderTest {

    private static final ServerAddress A = new ServerAddress("10.0.0.1", 4730);
    private static final ServerAddress B = new ServerAddress("10.0.0.2", 4730);
    private static final ServerAddress C = new ServerAddress("10.0.0.3", 4730);
    private static final Executor NO_READERS = r -> {
        throw new AssertionError("no connection is opened here");
    };

    private static GearmanClient client(ServerAddress... servers) {
        return new GearmanClient(List.of(servers), new PacketCodec(PacketCodec.DEFAULT_MAX_PAYLOAD_SIZE),
                Duration.ofSeconds(1), NO_READERS);
    }

    private static JobRequest job(String uniqueId) {
        return new JobRequest("fn", null, uniqueId, JobPriority.NORMAL, true);
    }

    private static List<ServerAddress> servers(GearmanClient client, List<ServerAddress> list, String uniqueId) {
        return java.util.Arrays.stream(client.order(job(uniqueId))).mapToObj(list::get).toList();
    }

    @Test
    void theWeightIsAFixedFunctionOfAddressAndIdSoProcessesAndReleasesAgree() {
        // a change here moves every re-run's children to other servers than the first run's: keep it
        assertThat(GearmanClient.weight("10.0.0.1:4730", "child-1".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(5926624808320204987L);
    }

    @Test
    void anIdsOrderDoesNotDependOnTheOrderOfTheServerList() {
        try (GearmanClient abc = client(A, B, C); GearmanClient cba = client(C, B, A)) {
            for (int i = 0; i < 200; i++) {
                String id = "job-" + i;
                assertThat(servers(abc, List.of(A, B, C), id)).as(id)
                        .isEqualTo(servers(cba, List.of(C, B, A), id));
            }
        }
    }

    @Test
    void idsSpreadEvenlyAndRemovingAServerMovesOnlyItsIds() {
        Map<ServerAddress, Integer> counts = new HashMap<>();
        try (GearmanClient abc = client(A, B, C); GearmanClient ab = client(A, B)) {
            for (int i = 0; i < 3000; i++) {
                String id = "job-" + i;
                ServerAddress first = servers(abc, List.of(A, B, C), id).get(0);
                counts.merge(first, 1, Integer::sum);
                if (!first.equals(C)) {
                    assertThat(servers(ab, List.of(A, B), id).get(0)).as(id).isEqualTo(first);
                }
            }
        }
        assertThat(counts.values()).allSatisfy(n -> assertThat(n).isBetween(850, 1150));
    }

    @Test
    void jobsWithoutAUniqueIdGoRoundRobin() {
        try (GearmanClient abc = client(A, B, C)) {
            List<ServerAddress> firsts = java.util.stream.IntStream.range(0, 6)
                    .mapToObj(i -> servers(abc, List.of(A, B, C), "").get(0)).toList();
            assertThat(firsts).containsExactly(A, B, C, A, B, C);
        }
    }
}
