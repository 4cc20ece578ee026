package nvr.gb28181.sip;

/**
 * Bounds the parser enforces so a hostile peer cannot make us allocate or loop without limit.
 * Defaults fit every GB/T 28181 message seen in practice: a 64 KiB UDP datagram is the hard ceiling,
 * Catalog answers are split by SumNum into small MESSAGEs.
 *
 * @param maxHeaderBytes start line plus header section, including the blank line
 * @param maxHeaders     number of header lines after folding
 * @param maxBodyBytes   Content-Length ceiling
 */
public record SipLimits(int maxHeaderBytes, int maxHeaders, int maxBodyBytes) {
    public static final SipLimits DEFAULT = new SipLimits(16 * 1024, 64, 64 * 1024);
}
