package io.gearworker.camel.gearman;

import org.apache.camel.spi.Metadata;

/** Header and property names the component sets or reads. */
public final class GearmanConstants {

    @Metadata(label = "consumer", description = "The Gearman function of the job.", javaType = "String")
    public static final String FUNCTION = "CamelGearmanFunction";
    @Metadata(description = "The job handle gearmand assigned (consumer), or that a submitted job got (producer).",
              javaType = "String")
    public static final String JOB_HANDLE = "CamelGearmanJobHandle";
    @Metadata(description = "The job's unique id. On the producer, a value given here is sent as the unique id.",
              javaType = "String")
    public static final String UNIQUE_ID = "CamelGearmanUniqueId";
    @Metadata(description = "The gearmand server (host:port) the job came from or was submitted to.",
              javaType = "String")
    public static final String SERVER = "CamelGearmanServer";
    @Metadata(label = "producer", description = "Overrides the endpoint's function for this message.",
              javaType = "String")
    public static final String FUNCTION_OVERRIDE = "CamelGearmanFunctionOverride";

    /**
     * Exchange property holding the {@link GearmanJob} of a consumed job: the route reports progress through it
     * (WORK_STATUS, WORK_DATA, WORK_WARNING).
     */
    public static final String JOB = "CamelGearmanJob";

    private GearmanConstants() {
    }
}
