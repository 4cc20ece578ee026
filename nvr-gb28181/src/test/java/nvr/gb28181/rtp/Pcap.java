package nvr.gb28181.rtp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads UDP payloads from a classic libpcap file (Ethernet, IPv4, UDP); test-only, trusts its input. */
public final class Pcap {
    private Pcap() {
    }

    /** One UDP datagram: destination port and payload. */
    public record Datagram(int dstPort, byte[] payload) {
    }

    public static List<Datagram> udp(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
        int magic = b.getInt(0);
        if (magic == 0xD4C3B2A1 || magic == 0x4D3CB2A1) {
            b.order(ByteOrder.LITTLE_ENDIAN);
        } else if (magic != 0xA1B2C3D4 && magic != 0xA1B23C4D) {
            throw new IOException(file + " is not a classic pcap file (magic " + Integer.toHexString(magic) + ")");
        }
        int linkType = b.getInt(20);
        if (linkType != 1) {
            throw new IOException(file + " has link type " + linkType + ", expected 1 (Ethernet)");
        }
        List<Datagram> out = new ArrayList<>();
        int pos = 24;
        while (pos + 16 <= b.limit()) {
            int incl = b.getInt(pos + 8);
            int rec = pos + 16;
            pos = rec + incl;
            int eth = 14;
            int etherType = (b.get(rec + 12) & 0xFF) << 8 | b.get(rec + 13) & 0xFF;
            if (etherType == 0x8100) {
                etherType = (b.get(rec + 16) & 0xFF) << 8 | b.get(rec + 17) & 0xFF;
                eth = 18;
            }
            if (etherType != 0x0800) {
                continue;
            }
            int ip = rec + eth;
            int ihl = (b.get(ip) & 0x0F) * 4;
            int totalLen = (b.get(ip + 2) & 0xFF) << 8 | b.get(ip + 3) & 0xFF;
            if (b.get(ip + 9) != 17) {
                continue;
            }
            int udp = ip + ihl;
            int dst = (b.get(udp + 2) & 0xFF) << 8 | b.get(udp + 3) & 0xFF;
            int udpLen = (b.get(udp + 4) & 0xFF) << 8 | b.get(udp + 5) & 0xFF;
            int n = Math.min(udpLen - 8, ip + totalLen - udp - 8);
            byte[] payload = new byte[n];
            b.get(udp + 8, payload);
            out.add(new Datagram(dst, payload));
        }
        return out;
    }
}
