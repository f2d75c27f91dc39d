package io.gearworker.camel.gearman.protocol;

import java.util.Locale;

/** Submission priority; each maps to its own SUBMIT_JOB packet type. */
public enum JobPriority {
    LOW(PacketType.SUBMIT_JOB_LOW, PacketType.SUBMIT_JOB_LOW_BG),
    NORMAL(PacketType.SUBMIT_JOB, PacketType.SUBMIT_JOB_BG),
    HIGH(PacketType.SUBMIT_JOB_HIGH, PacketType.SUBMIT_JOB_HIGH_BG);

    private final PacketType foreground;
    private final PacketType background;

    JobPriority(PacketType foreground, PacketType background) {
        this.foreground = foreground;
        this.background = background;
    }

    public PacketType packetType(boolean isBackground) {
        return isBackground ? background : foreground;
    }

    /** Case-insensitive parse with an error that lists the allowed values. */
    public static JobPriority parse(String text) {
        for (JobPriority p : values()) {
            if (p.name().equalsIgnoreCase(text.trim())) {
                return p;
            }
        }
        throw new IllegalArgumentException("priority '" + text + "' is not one of low, normal, high");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
