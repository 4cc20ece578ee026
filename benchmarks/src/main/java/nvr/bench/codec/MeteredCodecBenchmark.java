package nvr.bench.codec;

import nvr.gb28181.media.Codec;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;

/** What the codec benchmarks share: the codec parameter and a CPU-time meter reported per iteration. */
@State(Scope.Thread)
public abstract class MeteredCodecBenchmark {
    @Param({"H264", "H265"})
    public Codec codec;

    /** Benchmarks add the bytes each operation handles. */
    protected final CpuMeter cpu = new CpuMeter();

    @Setup(Level.Iteration)
    public void startMeter() {
        cpu.start();
    }

    @TearDown(Level.Iteration)
    public void reportMeter(BenchmarkParams params) {
        cpu.report(params.getBenchmark().replaceAll(".*\\.", "") + " " + codec);
    }
}
