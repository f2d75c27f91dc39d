package io.gearworker.worker.report;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.gearworker.worker.report.EventReport.Event;

/**
 * Reads worker event logs as they grow, for the report. Each {@link #poll} reads what was appended since the last
 * one, whole lines only, so a line being written is taken once it is complete. A file that does not exist (yet)
 * is empty; a file that shrank (truncated) is read again from its start, forgetting what it held; a file replaced
 * by a new one (rotated: another inode) is read from its start, keeping the events of the old one.
 */
public final class EventLogTail {

    private final List<Source> sources = new ArrayList<>();
    private long order;

    public EventLogTail(List<Path> files) {
        files.forEach(f -> sources.add(new Source(f)));
    }

    /**
     * Reads what the files gained. With {@code lastRead}, a final line without a newline is taken too (a one-shot
     * report); otherwise it waits for its newline (follow mode).
     */
    public void poll(boolean lastRead) {
        for (Source s : sources) {
            s.poll(lastRead);
        }
    }

    public List<Event> events() {
        List<Event> all = new ArrayList<>();
        for (Source s : sources) {
            all.addAll(s.kept);
            all.addAll(s.current);
        }
        return all;
    }

    /**
     * Forgets the events older than {@code cutoff}, so a long-running reader (the dashboard) holds only a window of
     * the logs in memory. What it reads later is taken as before.
     */
    public void forgetBefore(Instant cutoff) {
        for (Source s : sources) {
            s.kept.removeIf(e -> e.ts().isBefore(cutoff));
            s.current.removeIf(e -> e.ts().isBefore(cutoff));
        }
    }

    public long garbledLines() {
        return sources.stream().mapToLong(s -> s.keptGarbled + s.currentGarbled).sum();
    }

    private final class Source {
        private final Path path;
        private Object fileKey;
        private long offset;
        private final List<Event> kept = new ArrayList<>();
        private long keptGarbled;
        private List<Event> current = new ArrayList<>();
        private long currentGarbled;

        Source(Path path) {
            this.path = path;
        }

        public void poll(boolean lastRead) {
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
                Object key = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
                long size = ch.size();
                if (fileKey != null && key != null && !Objects.equals(fileKey, key)) {
                    kept.addAll(current); // rotated: the old file's events stay, the new file starts empty
                    keptGarbled += currentGarbled;
                    forgetCurrent();
                } else if (size < offset) {
                    forgetCurrent(); // truncated: what it held is gone
                }
                fileKey = key;
                read(ch, size, lastRead);
            } catch (NoSuchFileException e) {
                // not there (yet, or between a rotation's rename and the new file): nothing new
            } catch (IOException e) {
                // unreadable right now: try again on the next poll
            }
        }

        private void forgetCurrent() {
            current = new ArrayList<>();
            currentGarbled = 0;
            offset = 0;
        }

        private void read(FileChannel ch, long size, boolean lastRead) throws IOException {
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            ByteArrayOutputStream line = new ByteArrayOutputStream(256);
            long pos = offset;
            while (pos < size) {
                buf.clear();
                int n = ch.read(buf, pos);
                if (n <= 0) {
                    break;
                }
                byte[] bytes = buf.array();
                int from = 0;
                for (int i = 0; i < n; i++) {
                    if (bytes[i] == '\n') {
                        line.write(bytes, from, i - from);
                        take(line);
                        from = i + 1;
                        offset = pos + i + 1;
                    }
                }
                line.write(bytes, from, n - from);
                pos += n;
            }
            if (lastRead && line.size() > 0) {
                take(line);
                offset = pos;
            }
        }

        private void take(ByteArrayOutputStream bytes) {
            String text = bytes.toString(StandardCharsets.UTF_8);
            bytes.reset();
            if (text.endsWith("\r")) {
                text = text.substring(0, text.length() - 1);
            }
            if (text.isBlank()) {
                return;
            }
            EventReport.parse(text, order++).ifPresentOrElse(current::add, () -> currentGarbled++);
        }
    }
}
