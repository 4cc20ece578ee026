package nvr.ingest.cascade;

import java.nio.charset.Charset;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import nvr.gb28181.manscdp.ManscdpTime;
import nvr.gb28181.manscdp.ManscdpType;
import nvr.gb28181.manscdp.ManscdpWriter;
import nvr.storage.Span;

/**
 * A RecordInfo answer (GB/T 28181-2016 9.7) built from our own storage coverage: one item per recorded
 * span clipped to the queried range, {@code SumNum} = all items, split into pages of {@code pageSize} items
 * that all carry the query's SN. Nothing matching gives exactly one page with {@code SumNum 0} and no list.
 * Pages are rendered on demand so a 100,000-span answer never sits in memory as XML.
 *
 * <p>Type: we record continuously, so every span is of type {@code time}; a query for {@code all},
 * {@code time} or no type matches, {@code alarm}/{@code manual} match nothing.
 */
public final class RecordInfoAnswer {
    private final String channelId;
    private final String channelName;
    private final long sn;
    private final List<long[]> items; // {startMs, endMs, bytes}
    private final ZoneId zone;
    private final Charset charset;
    private final int pageSize;

    public RecordInfoAnswer(String channelId, String channelName, long sn, List<Span> spans, long fromMs, long toMs,
                            String type, ZoneId zone, Charset charset, int pageSize) {
        if (pageSize <= 0) {
            throw new IllegalArgumentException("pageSize must be positive");
        }
        this.channelId = channelId;
        this.channelName = channelName == null ? channelId : channelName;
        this.sn = sn;
        this.zone = zone;
        this.charset = charset;
        this.pageSize = pageSize;
        this.items = new ArrayList<>();
        if (typeMatches(type)) {
            for (Span s : spans) {
                long a = Math.max(s.startMs(), fromMs);
                long b = Math.min(s.endMs(), toMs);
                if (b > a) {
                    items.add(new long[] {a, b, s.bytes()});
                }
            }
        }
    }

    static boolean typeMatches(String type) {
        if (type == null || type.isBlank()) {
            return true;
        }
        String t = type.trim().toLowerCase(Locale.ROOT);
        return t.equals("all") || t.equals("time");
    }

    public int sumNum() {
        return items.size();
    }

    /** Number of MESSAGEs: at least one (the SumNum 0 answer). */
    public int pages() {
        return Math.max(1, (items.size() + pageSize - 1) / pageSize);
    }

    public byte[] page(int index) {
        if (index < 0 || index >= pages()) {
            throw new IndexOutOfBoundsException("page " + index + " of " + pages());
        }
        ManscdpWriter w = new ManscdpWriter(ManscdpType.RESPONSE, "RecordInfo", sn, channelId)
                .field("Name", channelName).field("SumNum", items.size());
        if (!items.isEmpty()) {
            int from = index * pageSize;
            int to = Math.min(items.size(), from + pageSize);
            w.open("RecordList", "Num", to - from);
            for (int i = from; i < to; i++) {
                long[] it = items.get(i);
                w.open("Item").field("DeviceID", channelId).field("Name", channelName)
                        .field("FilePath", channelId + "/" + it[0] + "-" + it[1]).field("Address", "")
                        .field("StartTime", ManscdpTime.format(it[0], zone)).field("EndTime", ManscdpTime.format(it[1], zone))
                        .field("Secrecy", 0).field("Type", "time").field("FileSize", it[2]).close("Item");
            }
            w.close("RecordList");
        }
        return w.toBytes(charset);
    }
}
