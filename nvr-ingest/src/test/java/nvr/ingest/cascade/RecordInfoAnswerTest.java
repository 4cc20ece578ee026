package nvr.ingest.cascade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import nvr.gb28181.manscdp.ManscdpMessage;
import nvr.gb28181.manscdp.ManscdpParser;
import nvr.gb28181.manscdp.RecordItem;
import nvr.storage.CameraWriter;
import nvr.storage.Coverage;
import nvr.storage.Span;
import nvr.storage.Store;
import nvr.storage.StoreConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordInfoAnswerTest {
    private static final ZoneId Z = ZoneId.of("Asia/Shanghai");
    private static final Charset GB = Charset.forName("GB2312");

    @TempDir
    Path dir;

    @Test
    void pagesClipAndFilter() throws Exception {
        List<Span> spans = new ArrayList<>();
        for (int i = 0; i < 10_003; i++) {
            spans.add(new Span(i * 10_000L, i * 10_000L + 5_000, 100, 10));
        }
        RecordInfoAnswer a = new RecordInfoAnswer("c", "cam", 42, spans, 2_500, 110_000_000L, "all", Z, GB, 8);
        assertEquals(10_003, a.sumNum());
        assertEquals(1_251, a.pages());
        List<RecordItem> all = new ArrayList<>();
        for (int p = 0; p < a.pages(); p++) {
            ManscdpMessage m = ManscdpParser.parse(a.page(p));
            assertEquals(42, m.sn());
            assertEquals(10_003, m.sumNum());
            all.addAll(m.recordItems());
        }
        assertEquals(10_003, all.size());
        assertEquals("1970-01-01T08:00:02", all.get(0).startTime()); // clipped to the query start, local time
        assertEquals("1970-01-01T08:00:05", all.get(0).endTime());
        RecordInfoAnswer none = new RecordInfoAnswer("c", "cam", 43, spans, 0, 1_000_000, "alarm", Z, GB, 8);
        assertEquals(1, none.pages());
        ManscdpMessage m = ManscdpParser.parse(none.page(0));
        assertEquals(0, m.sumNum());
        assertNull(m.root().child("RecordList"));
    }

    @Test
    void singleFrameSpansFromARealStore() throws Exception {
        try (Store store = Store.open(StoreConfig.defaults(dir), new SimpleMeterRegistry())) {
            CameraWriter w = store.writer("cam");
            for (int i = 0; i < 5; i++) {
                w.append(1_000_000 + i * 3_000L, true, 0x1B, new byte[] {0, 0, 0, 1, 0x65});
            }
            store.flush();
            Coverage c = store.coverage("cam", 1_003_000, 1_009_500);
            RecordInfoAnswer a = new RecordInfoAnswer("cam", null, 1, c.spans(), 1_003_000, 1_009_500, null, Z, GB, 2);
            assertEquals(3, a.sumNum()); // a span starting exactly at the query start is included
            assertEquals(2, a.pages());
        }
    }
}
