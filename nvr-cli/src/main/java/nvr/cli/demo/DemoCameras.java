package nvr.cli.demo;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import nvr.cli.config.NvrConfig;
import nvr.gb28181.media.Codec;

/**
 * The embedded demo: three simulated cameras on loopback, recorded as static cameras. Two send H.264
 * generated live by jcodec (a clock burned in), one loops a small embedded H.265 clip (jcodec has no
 * H.265 encoder; the clip was made once with ffmpeg/libx265 from testsrc2, see package-info).
 */
public final class DemoCameras implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(DemoCameras.class.getName());
    static final String H265_CLIP = "/nvr/cli/demo/lobby-320x240-10fps.h265";
    static final int FPS = 10;

    private final List<SimulatedCamera> cameras;
    private final ScheduledExecutorService clock;
    private volatile boolean closing;

    private DemoCameras(List<SimulatedCamera> cameras) {
        this.cameras = cameras;
        this.clock = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "demo-cameras");
            t.setDaemon(true);
            return t;
        });
    }

    /** The demo's static cameras: ports from the top of media.port-range not used by configured cameras. */
    public static List<NvrConfig.Camera> cameraConfigs(NvrConfig config) {
        Set<Integer> used = new HashSet<>();
        for (NvrConfig.Camera c : config.cameras()) {
            used.add(c.port());
        }
        String[][] demo = {
                {"34020000001320000101", "demo gate (H.264)"},
                {"34020000001320000102", "demo yard (H.264)"},
                {"34020000001320000103", "demo lobby (H.265)"}};
        List<NvrConfig.Camera> out = new ArrayList<>();
        int port = config.media().portMax();
        for (int i = 0; i < demo.length; i++) {
            while (used.contains(port) || port == config.sip().port()) {
                port--;
            }
            used.add(port);
            String tier = config.tiers().get(i % config.tiers().size()).name();
            out.add(new NvrConfig.Camera(demo[i][0], demo[i][1], tier, port, "udp", null, "demo, loopback"));
        }
        return out;
    }

    /** Starts sending to the given static camera configs (from {@link #cameraConfigs}). */
    public static DemoCameras start(List<NvrConfig.Camera> configs) throws IOException {
        List<SimulatedCamera> cams = new ArrayList<>();
        try {
            for (int i = 0; i < configs.size(); i++) {
                NvrConfig.Camera c = configs.get(i);
                FrameSource src = switch (i % 3) {
                    case 0 -> new ClockH264Source("GATE", 320, 240, 2 * FPS, 60);
                    case 1 -> new ClockH264Source("YARD", 176, 144, 2 * FPS, 110); // smaller: jcodec costs ~20 ms CPU per 320x240 frame
                    default -> new LoopedClipSource(Codec.H265, H265_CLIP);
                };
                cams.add(new SimulatedCamera(c.id(), src, FPS, new InetSocketAddress("127.0.0.1", c.port()),
                        0x0100_0000L + Long.parseLong(c.id().substring(c.id().length() - 4))));
            }
        } catch (IOException | RuntimeException e) {
            for (SimulatedCamera c : cams) {
                c.close();
            }
            throw e;
        }
        DemoCameras d = new DemoCameras(cams);
        for (SimulatedCamera c : cams) {
            d.clock.scheduleAtFixedRate(() -> d.tick(c), 0, 1000 / c.fps(), TimeUnit.MILLISECONDS);
            LOG.info("camera=" + c.id() + " demo camera sending PS/RTP to udp 127.0.0.1");
        }
        return d;
    }

    private void tick(SimulatedCamera c) {
        if (closing) {
            return;
        }
        try {
            c.sendFrame(System.currentTimeMillis());
        } catch (IOException | RuntimeException e) {
            if (closing) {
                return; // the socket was closed under a frame being sent: expected at shutdown
            }
            LOG.log(Level.WARNING, "camera=" + c.id() + " demo camera failed to send a frame: " + e);
        }
    }

    @Override
    public void close() {
        closing = true;
        clock.shutdown(); // let a frame being encoded finish; interrupting it would close its channel mid-send
        try {
            clock.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (SimulatedCamera c : cameras) {
            try {
                c.close();
            } catch (IOException ignored) {
                // a closed UDP socket loses nothing
            }
        }
    }
}
