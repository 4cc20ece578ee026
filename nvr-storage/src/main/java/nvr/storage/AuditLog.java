package nvr.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import nvr.storage.audit.AuditEvent;
import nvr.storage.audit.AuditLineCodec;

/**
 * Append-only audit log: {@code audit/audit-<yyyy-mm-dd UTC>.jsonl}, one JSON object per line. Appends go to
 * the page cache at once; the first root's writer fsyncs the file with every group commit, so an event is
 * durable within fsync-ms. A torn last line after a crash is skipped by the reader.
 */
final class AuditLog implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(AuditLog.class.getName());
    private final Path dir;
    private FileChannel channel;
    private LocalDate day;
    private boolean dirDirty;

    AuditLog(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
    }

    private Path fileFor(LocalDate d) {
        return dir.resolve("audit-" + d + ".jsonl");
    }

    synchronized void append(AuditEvent e) throws IOException {
        LocalDate d = Instant.ofEpochMilli(e.atMs()).atZone(ZoneOffset.UTC).toLocalDate();
        if (channel == null || !d.equals(day)) {
            if (channel != null) {
                channel.force(false);
                channel.close();
            }
            Path f = fileFor(d);
            dirDirty |= !Files.exists(f);
            channel = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
            day = d;
        }
        ByteBuffer b = ByteBuffer.wrap((AuditLineCodec.encode(e) + "\n").getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    /** fsyncs appended events (and the directory when a day file was created). Called by the group commit. */
    void sync() {
        FileChannel ch;
        boolean syncDir;
        synchronized (this) {
            ch = channel;
            syncDir = dirDirty;
            dirDirty = false;
        }
        try {
            if (ch != null && ch.isOpen()) {
                ch.force(false);
            }
            if (syncDir) {
                DataRoot.fsyncDir(dir);
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.ERROR, "audit log fsync in " + dir + " failed: " + e.getMessage());
        }
    }

    /** Events with fromMs <= atMs < toMs, in file order; unreadable lines are skipped. */
    List<AuditEvent> read(long fromMs, long toMs) throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> p.getFileName().toString().matches("audit-\\d{4}-\\d{2}-\\d{2}\\.jsonl")).sorted()
                    .forEach(files::add);
        }
        List<AuditEvent> out = new ArrayList<>();
        for (Path f : files) {
            LocalDate d = LocalDate.parse(f.getFileName().toString().substring(6, 16));
            long dayStart = d.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
            if (dayStart >= toMs || dayStart + 86_400_000L <= fromMs) {
                continue;
            }
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                AuditEvent e = AuditLineCodec.decode(line);
                if (e != null && e.atMs() >= fromMs && e.atMs() < toMs) {
                    out.add(e);
                }
            }
        }
        return out;
    }

    @Override
    public synchronized void close() throws IOException {
        if (channel != null) {
            channel.force(false);
            channel.close();
            channel = null;
        }
    }
}
