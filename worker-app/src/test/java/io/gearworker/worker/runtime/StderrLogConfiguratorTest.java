package io.gearworker.worker.runtime;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StderrLogConfiguratorTest {

    @Test
    void logLinesGoToStderrWithCamelAtWarnAndOursAtInfo() {
        LoggerContext context = new LoggerContext();
        StderrLogConfigurator configurator = new StderrLogConfigurator();
        configurator.setContext(context);

        assertThat(configurator.configure(context)).isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);

        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.WARN);
        assertThat(root.getAppender("STDERR")).isInstanceOfSatisfying(ConsoleAppender.class, appender -> {
            assertThat(appender.getTarget()).isEqualTo("System.err");
            assertThat(appender.isStarted()).isTrue();
            assertThat(((PatternLayoutEncoder) appender.getEncoder()).getPattern())
                    .isEqualTo(StderrLogConfigurator.PATTERN);
        });
        assertThat(context.getLogger("org.apache.camel.main").getEffectiveLevel()).isEqualTo(Level.WARN);
        Level ours = context.getLogger("io.gearworker.worker").getEffectiveLevel();
        if (System.getenv("GEARMAN_LOG_LEVEL") == null) {
            assertThat(ours).isEqualTo(Level.INFO);
        }
    }

    @Test
    void gearmanLogLevelSetsTheLevelOfOurLoggers() {
        System.setProperty("GEARMAN_LOG_LEVEL", "DEBUG");
        try {
            LoggerContext context = new LoggerContext();
            StderrLogConfigurator configurator = new StderrLogConfigurator();
            configurator.setContext(context);
            configurator.configure(context);

            assertThat(context.getLogger("io.gearworker.camel").getEffectiveLevel()).isEqualTo(Level.DEBUG);
            assertThat(context.getLogger("org.apache.camel").getEffectiveLevel()).isEqualTo(Level.WARN);
        } finally {
            System.clearProperty("GEARMAN_LOG_LEVEL");
        }
    }

    @Test
    void anExplicitLogbackConfigurationFileIsLeftToLogback() {
        System.setProperty("logback.configurationFile", "my-logback.xml");
        try {
            LoggerContext context = new LoggerContext();
            StderrLogConfigurator configurator = new StderrLogConfigurator();
            configurator.setContext(context);

            assertThat(configurator.configure(context)).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
            assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR")).isNull();
        } finally {
            System.clearProperty("logback.configurationFile");
        }
    }
}
