package nvr.bench.sip;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import nvr.gb28181.WireFormatException;
import nvr.gb28181.manscdp.ManscdpMessage;
import nvr.gb28181.manscdp.ManscdpParser;
import nvr.gb28181.sip.DigestAuth;
import nvr.gb28181.sip.DigestCredentials;
import nvr.gb28181.sip.SipMessage;
import nvr.gb28181.sip.SipParser;
import nvr.ingest.cascade.RecordInfoAnswer;
import nvr.storage.Span;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Signaling costs per message: SIP parse of a keepalive MESSAGE, MANSCDP parse of its body, a digest
 * verification, and rendering a whole 10,000-span RecordInfo answer (1,250 pages). Baseline: one pass over
 * the same keepalive bytes decoding them to a String (the least any parser must do).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SipCodecBenchmark {
    private byte[] keepalive;
    private byte[] keepaliveBody;
    private SipParser parser;
    private DigestCredentials credentials;
    private List<Span> spans;

    @Setup
    public void setup() throws WireFormatException {
        String body = "<?xml version=\"1.0\" encoding=\"GB2312\"?>\r\n<Notify>\r\n<CmdType>Keepalive</CmdType>\r\n<SN>80</SN>\r\n"
                + "<DeviceID>34020000001320000002</DeviceID>\r\n<Status>OK</Status>\r\n</Notify>\r\n";
        keepaliveBody = body.getBytes(StandardCharsets.ISO_8859_1);
        keepalive = ("MESSAGE sip:34020000002000000001@3402000000 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 192.168.1.108:5060;branch=z9hG4bK1764051820;rport\r\n"
                + "From: <sip:34020000001320000002@3402000000>;tag=1290741839\r\n"
                + "To: <sip:34020000002000000001@3402000000>\r\nCall-ID: 196039093920@192.168.1.108\r\n"
                + "CSeq: 20 MESSAGE\r\nContent-Type: Application/MANSCDP+xml\r\nMax-Forwards: 70\r\n"
                + "User-Agent: Dahua SIP UAS V2.0\r\nContent-Length: " + keepaliveBody.length + "\r\n\r\n" + body)
                .getBytes(StandardCharsets.ISO_8859_1);
        parser = new SipParser();
        credentials = DigestCredentials.parse("Digest username=\"34020000001320000001\", realm=\"3402000000\", "
                + "nonce=\"18c9a3f2b7e4123456789abcdef012345\", uri=\"sip:34020000002000000001@3402000000\", "
                + "response=\"00000000000000000000000000000000\", algorithm=MD5, cnonce=\"0a4f113b\", qop=auth, nc=00000001");
        spans = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            spans.add(new Span(1_700_000_000_000L + i * 3_000L, 1_700_000_000_000L + i * 3_000L + 1_000, 1_000_000, 25));
        }
    }

    @Benchmark
    public int baselineDecodeKeepalive() {
        return new String(keepalive, StandardCharsets.ISO_8859_1).indexOf("\r\n\r\n");
    }

    @Benchmark
    public SipMessage parseKeepaliveSip() throws WireFormatException {
        SipMessage m = parser.parse(keepalive);
        m.cseq();
        m.from();
        return m;
    }

    @Benchmark
    public ManscdpMessage parseKeepaliveManscdp() throws WireFormatException {
        return ManscdpParser.parse(keepaliveBody);
    }

    @Benchmark
    public boolean digestVerify() {
        return DigestAuth.verify(credentials, "REGISTER", "12345678");
    }

    @Benchmark
    public long recordInfo10kSpansAllPages() {
        RecordInfoAnswer a = new RecordInfoAnswer("34020000001320000001", "cam", 7, spans, 0, Long.MAX_VALUE / 2, "all",
                ZoneId.of("Asia/Shanghai"), Charset.forName("GB2312"), 8);
        long bytes = 0;
        for (int p = 0; p < a.pages(); p++) {
            bytes += a.page(p).length;
        }
        return bytes;
    }
}
