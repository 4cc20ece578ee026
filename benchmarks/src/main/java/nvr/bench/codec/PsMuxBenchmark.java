package nvr.bench.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.concurrent.TimeUnit;
import nvr.gb28181.media.AccessUnit;
import nvr.gb28181.ps.PsMuxer;
import nvr.gb28181.rtp.RtpPacketizer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * PS mux (and mux + RTP packetise, as playback does) of 8 s of a 4 Mbit/s camera; baseline: copying the
 * same frame bytes into the same buffer. Each operation is the whole stream (frame bytes printed at setup).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class PsMuxBenchmark extends MeteredCodecBenchmark {

    private AccessUnit[] frames;
    private PsMuxer muxer;
    private RtpPacketizer packetizer;
    private ByteBuf out;
    private long frameBytes;

    @Setup
    public void setup() {
        SyntheticCamera camera = new SyntheticCamera(codec, 4_000_000, 8, false);
        frames = camera.frames.toArray(AccessUnit[]::new);
        long bytes = 0;
        for (AccessUnit f : frames) {
            bytes += f.data().length;
        }
        frameBytes = bytes;
        muxer = new PsMuxer(codec, null);
        packetizer = new RtpPacketizer(1, 96, 0);
        out = PooledByteBufAllocator.DEFAULT.directBuffer(1 << 20);
        System.out.printf("%n[codec] %s mux input: %d frames, frameBytes=%d%n", codec, frames.length, bytes);
    }

    @Benchmark
    public void mux(Blackhole bh) {
        cpu.add(frameBytes);
        for (AccessUnit f : frames) {
            out.clear();
            muxer.mux(f, out);
        }
        bh.consume(out);
    }

    @Benchmark
    public void muxAndPacketize(Blackhole bh) {
        cpu.add(frameBytes);
        for (AccessUnit f : frames) {
            out.clear();
            muxer.mux(f, out);
            packetizer.packetize(out, f.pts90k(), true, PooledByteBufAllocator.DEFAULT, p -> {
                bh.consume(p.readableBytes());
                p.release();
            });
        }
    }

    /** Baseline: copy the frame bytes into the same buffer, nothing else. */
    @Benchmark
    public void baselineCopy(Blackhole bh) {
        cpu.add(frameBytes);
        for (AccessUnit f : frames) {
            out.clear();
            out.writeBytes(f.data());
        }
        bh.consume(out);
    }
}
