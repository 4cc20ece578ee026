package nvr.ingest.media;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads the UDP payloads of a classic pcap (Ethernet or Linux cooked link type, IPv4) with their capture times. */
final class PcapReplay {
    record Datagram(long timeMicros, int dstPort, byte[] payload) {
    }

    private PcapReplay() {
    }

    static List<Datagram> udp(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
        int magic = b.order(ByteOrder.BIG_ENDIAN).getInt(0);
        boolean nanos;
        if (magic == 0xA1B2C3D4 || magic == 0xA1B23C4D) {
            b.order(ByteOrder.BIG_ENDIAN);
            nanos = magic == 0xA1B23C4D;
        } else if (magic == 0xD4C3B2A1 || magic == 0x4D3CB2A1) {
            b.order(ByteOrder.LITTLE_ENDIAN);
            nanos = magic == 0x4D3CB2A1;
        } else {
            throw new IOException(file + " is not a classic pcap file (magic " + Integer.toHexString(magic) + ")");
        }
        int linkType = b.getInt(20);
        int linkHeader = switch (linkType) {
            case 1 -> 14; // Ethernet
            case 113 -> 16; // Linux cooked
            case 0 -> 4; // BSD loopback
            default -> throw new IOException("pcap link type " + linkType + " not supported");
        };
        List<Datagram> out = new ArrayList<>();
        int pos = 24;
        while (pos + 16 <= b.limit()) {
            long sec = b.getInt(pos) & 0xFFFFFFFFL;
            long frac = b.getInt(pos + 4) & 0xFFFFFFFFL;
            int incl = b.getInt(pos + 8);
            int p = pos + 16;
            pos = p + incl;
            if (incl < 0 || pos > b.limit()) {
                break; // truncated capture tail
            }
            int ip = p + linkHeader;
            if (linkType == 1 && (b.get(p + 12) & 0xFF) == 0x81) {
                ip += 4; // 802.1Q tag
            }
            if (ip + 20 > pos || (b.get(ip) & 0xF0) != 0x40 || b.get(ip + 9) != 17) {
                continue; // not IPv4/UDP
            }
            int udp = ip + (b.get(ip) & 0x0F) * 4;
            int dst = ((b.get(udp + 2) & 0xFF) << 8) | (b.get(udp + 3) & 0xFF);
            int len = (((b.get(udp + 4) & 0xFF) << 8) | (b.get(udp + 5) & 0xFF)) - 8;
            if (len < 0 || udp + 8 + len > pos) {
                continue;
            }
            byte[] payload = new byte[len];
            b.get(udp + 8, payload);
            out.add(new Datagram(sec * 1_000_000 + (nanos ? frac / 1000 : frac), dst, payload));
        }
        return out;
    }
}
