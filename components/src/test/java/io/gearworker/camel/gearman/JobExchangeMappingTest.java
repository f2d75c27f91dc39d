package io.gearworker.camel.gearman;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gearworker.camel.gearman.protocol.AssignedJob;
import io.gearworker.camel.gearman.protocol.Packet;
import io.gearworker.camel.gearman.protocol.PacketType;
import io.gearworker.camel.gearman.protocol.ServerAddress;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.NoTypeConversionAvailableException;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JobExchangeMappingTest {

    private static final AssignedJob ASSIGNED = new AssignedJob(ServerAddress.parse("gm1:4730"), "H:gm1:7", "resize",
            "u-42", "in".getBytes(UTF_8));

    private final CamelContext context = new DefaultCamelContext();
    private final GearmanJob job = new GearmanJob(ASSIGNED, null);
    private final JobExchangeMapping mapping = new JobExchangeMapping(8, false);

    @AfterEach
    void closeContext() throws Exception {
        context.close();
    }

    @Test
    void jobFillsBodyHeadersAndTheJobProperty() {
        Exchange exchange = new DefaultExchange(context);
        mapping.fill(exchange, ASSIGNED, job);

        assertArrayEquals("in".getBytes(UTF_8), exchange.getIn().getBody(byte[].class));
        assertEquals("resize", exchange.getIn().getHeader(GearmanConstants.FUNCTION));
        assertEquals("H:gm1:7", exchange.getIn().getHeader(GearmanConstants.JOB_HANDLE));
        assertEquals("u-42", exchange.getIn().getHeader(GearmanConstants.UNIQUE_ID));
        assertEquals("gm1:4730", exchange.getIn().getHeader(GearmanConstants.SERVER));
        assertSame(job, exchange.getProperty(GearmanConstants.JOB));
    }

    @Test
    void completedExchangeIsWorkCompleteWithTheBodyConverted() {
        Exchange exchange = new DefaultExchange(context);
        exchange.getMessage().setBody("out");

        Packet[] packets = mapping.outcome(job, exchange);

        assertEquals(1, packets.length);
        assertEquals(PacketType.WORK_COMPLETE, packets[0].type());
        assertEquals("H:gm1:7", packets[0].textArgument(0));
        assertArrayEquals("out".getBytes(UTF_8), packets[0].argument(1));
        assertNull(job.failure());
    }

    @Test
    void nullBodyCompletesWithAnEmptyResult() {
        Packet[] packets = mapping.outcome(job, new DefaultExchange(context));

        assertEquals(PacketType.WORK_COMPLETE, packets[0].type());
        assertEquals(0, packets[0].argument(1).length);
    }

    @Test
    void failedExchangeIsWorkFailAndRecordsTheFailure() {
        Exchange exchange = new DefaultExchange(context);
        exchange.setException(new IllegalArgumentException("bad input"));

        Packet[] packets = mapping.outcome(job, exchange);

        assertEquals(1, packets.length);
        assertEquals(PacketType.WORK_FAIL, packets[0].type());
        assertEquals("H:gm1:7", packets[0].textArgument(0));
        assertEquals("bad input", job.failure().getMessage());
    }

    @Test
    void withSendExceptionsAFailureIsWorkExceptionCarryingItsMessage() {
        Exchange exchange = new DefaultExchange(context);
        exchange.setException(new IllegalArgumentException("bad input"));

        Packet[] packets = new JobExchangeMapping(8, true).outcome(job, exchange);

        assertEquals(1, packets.length);
        assertEquals(PacketType.WORK_EXCEPTION, packets[0].type());
        assertEquals("bad input", packets[0].textArgument(1));
    }

    @Test
    void resultAboveMaxPayloadSizeFailsTheJob() {
        Exchange exchange = new DefaultExchange(context);
        exchange.getMessage().setBody("123456789".getBytes(UTF_8));

        Packet[] packets = mapping.outcome(job, exchange);

        assertEquals(PacketType.WORK_FAIL, packets[0].type());
        assertEquals("result of 9 bytes exceeds maxPayloadSize 8", job.failure().getMessage());
    }

    @Test
    void bodyWithoutConversionToBytesFailsTheJobAndTheExchange() {
        Exchange exchange = new DefaultExchange(context);
        exchange.getMessage().setBody(new Object());

        Packet[] packets = mapping.outcome(job, exchange);

        assertEquals(PacketType.WORK_FAIL, packets[0].type());
        assertInstanceOf(NoTypeConversionAvailableException.class, job.failure());
        assertTrue(exchange.isFailed());
    }
}
