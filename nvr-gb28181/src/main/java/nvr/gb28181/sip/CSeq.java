package nvr.gb28181.sip;

import nvr.gb28181.WireFormatException;

/** The CSeq header: sequence number and method (RFC 3261 20.16). */
public record CSeq(long seq, String method) {
    public static CSeq parse(String value) throws WireFormatException {
        if (value == null) {
            throw new WireFormatException("sip", "missing CSeq header");
        }
        String v = value.trim();
        int sp = v.indexOf(' ');
        if (sp <= 0) {
            throw new WireFormatException("sip", "CSeq is not 'number METHOD': " + SipParser.clip(v));
        }
        String num = v.substring(0, sp);
        String method = v.substring(sp + 1).trim();
        if (num.length() > 10 || method.isEmpty() || !SipParser.isToken(method)) {
            throw new WireFormatException("sip", "CSeq is not 'number METHOD': " + SipParser.clip(v));
        }
        try {
            long n = Long.parseLong(num);
            if (n < 0 || n > 0xFFFFFFFFL) {
                throw new WireFormatException("sip", "CSeq number out of range: " + num);
            }
            return new CSeq(n, method);
        } catch (NumberFormatException e) {
            throw new WireFormatException("sip", "CSeq number is not a number: " + SipParser.clip(num));
        }
    }

    @Override
    public String toString() {
        return seq + " " + method;
    }
}
