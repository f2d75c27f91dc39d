package io.gearworker.routes.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.apache.camel.PropertyBindingException;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/** Parsing a {@code fanout} workload, fitting child ids into gearmand's limit, and the routes' settings. */
class FanoutRequestTest {

    @Test
    void parsesChildrenAndMilliseconds() {
        assertThat(FanoutRequest.parse(" 8   500\n")).isEqualTo(new FanoutRequest(8, 500));
        assertThat(FanoutRequest.parse("1 0")).isEqualTo(new FanoutRequest(1, 0));
    }

    @Test
    void rejectsWhatIsNotNChildrenOfMsEach() {
        for (String bad : new String[] { "", "8", "8 500 1", "0 500", "10001 1", "8 -1", "x 500", "8 soon" }) {
            assertThatThrownBy(() -> FanoutRequest.parse(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("fanout takes 'N MS'")
                    .hasMessageEndingWith("got '" + bad.trim() + "'");
        }
    }

    @Test
    void aHugeBadWorkloadIsQuotedOnlyInPart() {
        String huge = "8 " + "9".repeat(5 * 1024 * 1024);
        assertThatThrownBy(() -> FanoutRequest.parse(huge))
                .hasMessageStartingWith("fanout takes 'N MS'")
                .hasMessageEndingWith("…' (" + huge.length() + " bytes)")
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(400));
    }

    @Test
    void childIdsStayWithinGearmandsUniqueIdLimit() {
        assertThat(ChildIds.fit("fanout/H:vm:1/7")).isEqualTo("fanout/H:vm:1/7");
        String longId = "fanout/" + "u".repeat(64) + "/7";
        String fitted = ChildIds.fit(longId);
        assertThat(fitted.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(ChildIds.MAX_BYTES);
        assertThat(fitted).as("the same parent and child give the same id").isEqualTo(ChildIds.fit(longId))
                .isNotEqualTo(ChildIds.fit("fanout/" + "u".repeat(64) + "/8"));
    }

    @Test
    void aBadSettingNamesThePropertyAtStartUp() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            context.getPropertiesComponent().setOverrideProperties(
                    WorkflowContext.props(FanoutRoute.MAX_IN_FLIGHT, "0"));
            WorkflowSettings settings = new WorkflowSettings(context);
            assertThatThrownBy(() -> settings.positiveInt(FanoutRoute.MAX_IN_FLIGHT, 16))
                    .isInstanceOfSatisfying(PropertyBindingException.class, e -> {
                        assertThat(e.getPropertyName()).isEqualTo("fanout.max-in-flight");
                        assertThat(e.getValue()).isEqualTo("0");
                    })
                    .hasRootCauseMessage("must be a whole number >= 1");
            assertThat(settings.positiveLong(FanoutRoute.CHILD_TIMEOUT, 60_000)).isEqualTo(60_000);
        }
    }
}
