package nvr.bench.codec;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.TimeUnit;
import nvr.gb28181.WireFormatException;
import nvr.gb28181.nal.NalUnits;
import nvr.gb28181.ps.PsDemuxer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * PS demux throughput over 8 s of a 4 Mbit/s camera (RTP payloads in direct buffers, as Netty hands them
 * over), against baselines on the same payloads: a plain copy of every byte, and a copy plus a naive
 * byte-by-byte start-code scan. Each
 * operation is the whole stream; MB/s = psBytes x ops/s (psBytes is printed at setup).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class PsDemuxBenchmark extends MeteredCodecBenchmark {

    @Param({"true"})
    public boolean direct;

    private SyntheticCamera camera;
    private ByteBuf[] payloads;
    private long[] timestamps;
    private boolean[] markers;
    private PsDemuxer demuxer;
    private byte[] scratch;

    @Setup
    public void setup() {
        camera = new SyntheticCamera(codec, 4_000_000, 8, direct);
        int n = camera.payloads.size();
        payloads = camera.payloads.toArray(ByteBuf[]::new);
        timestamps = new long[n];
        markers = new boolean[n];
        for (int i = 0; i < n; i++) {
            timestamps[i] = camera.timestamps.get(i);
            markers[i] = camera.markers.get(i);
        }
        demuxer = new PsDemuxer();
        scratch = new byte[2048];
        System.out.printf("%n[codec] %s stream: %d frames, %d RTP packets, psBytes=%d%n", codec, camera.frames.size(), n, camera.psBytes);
    }

    @Benchmark
    public void demux(Blackhole bh) throws WireFormatException {
        cpu.add(camera.psBytes);
        for (int i = 0; i < payloads.length; i++) {
            demuxer.onPayload(payloads[i], timestamps[i], markers[i], bh::consume);
        }
    }

    /** Baseline: copy every payload byte once (what any demuxer must at least do). */
    @Benchmark
    public void baselineCopy(Blackhole bh) {
        cpu.add(camera.psBytes);
        for (ByteBuf p : payloads) {
            p.getBytes(p.readerIndex(), scratch, 0, p.readableBytes());
        }
        bh.consume(scratch);
    }

    /** Baseline: copy plus a plain byte-by-byte look at every byte for {@code 00 00 01} (a naive parser's floor). */
    @Benchmark
    public int baselineCopyAndByteScan() {
        cpu.add(camera.psBytes);
        int found = 0;
        for (ByteBuf p : payloads) {
            int n = p.readableBytes();
            p.getBytes(p.readerIndex(), scratch, 0, n);
            int zeros = 0;
            for (int i = 0; i < n; i++) {
                byte b = scratch[i];
                if (b == 0) {
                    zeros++;
                } else {
                    if (b == 1 && zeros >= 2) {
                        found++;
                    }
                    zeros = 0;
                }
            }
        }
        return found;
    }

    /** The start-code search the demuxer uses, alone over the same copied bytes (where demux time goes). */
    @Benchmark
    public int copyAndStartCodeSearch() {
        cpu.add(camera.psBytes);
        int found = 0;
        for (ByteBuf p : payloads) {
            int n = p.readableBytes();
            p.getBytes(p.readerIndex(), scratch, 0, n);
            int sc = NalUnits.findStartCode(scratch, 0, n);
            while (sc >= 0) {
                found++;
                sc = NalUnits.findStartCode(scratch, sc + 3, n);
            }
        }
        return found;
    }
}
