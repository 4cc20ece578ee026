package nvr.bench.ingest;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.net.StandardSocketOptions;
import nvr.bench.load.Args;

/**
 * Baseline for the ingest load test: the cheapest possible receiver of the same traffic, one thread draining N
 * non-blocking DatagramChannels through a Selector (no parsing, no storage). Same stdin protocol as IngestServer.
 */
public final class RawReceiver {
    private static volatile long packets;
    private static volatile long bytes;

    public static void main(String[] args) throws Exception {
        int cameras = Args.intArg(args, "--cameras", 16);
        int basePort = Args.intArg(args, "--port", 31000);
        Selector sel = Selector.open();
        for (int i = 0; i < cameras; i++) {
            DatagramChannel ch = DatagramChannel.open();
            ch.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
            ch.bind(new InetSocketAddress("127.0.0.1", basePort + i));
            ch.configureBlocking(false);
            ch.register(sel, SelectionKey.OP_READ);
        }
        Thread drain = new Thread(() -> {
            ByteBuffer buf = ByteBuffer.allocateDirect(65536);
            try {
                while (sel.isOpen()) {
                    sel.select(100);
                    for (SelectionKey k : sel.selectedKeys()) {
                        DatagramChannel ch = (DatagramChannel) k.channel();
                        while (true) {
                            buf.clear();
                            if (ch.receive(buf) == null) {
                                break;
                            }
                            packets++;
                            bytes += buf.position();
                        }
                    }
                    sel.selectedKeys().clear();
                }
            } catch (Exception e) {
                if (sel.isOpen()) {
                    e.printStackTrace();
                }
            }
        }, "raw-drain");
        drain.setDaemon(true);
        drain.start();
        System.out.println("{\"ready\":true}");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            String s = "{\"packets\":" + packets + ",\"bytes\":" + bytes + "}";
            System.out.println(s);
            if (line.equals("stop")) {
                sel.close();
                return;
            }
        }
    }
}
