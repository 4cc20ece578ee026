/**
 * SIP (RFC 3261) as GB/T 28181 uses it, no I/O: the message model ({@link nvr.gb28181.sip.SipRequest},
 * {@link nvr.gb28181.sip.SipResponse}), a strict bounded parser for datagrams, a Content-Length framer for
 * TCP, the encoder, RFC 2617 Digest (MD5, qop=auth) for REGISTER, and the seam through which the SIP server
 * hands Playback/Download sessions to nvr-playback ({@link nvr.gb28181.sip.MediaSessionHandler},
 * {@link nvr.gb28181.sip.SipDialog}).
 *
 * <p>Why our own codec: GB/T 28181 needs a small subset (REGISTER, MESSAGE, INVITE/ACK/BYE, INFO), devices
 * are sloppy in known ways (compact headers, LF-only lines, GBK display names, missing Content-Length over
 * UDP) and the parser must be hostile-input safe with hard bounds ({@link nvr.gb28181.sip.SipLimits}).
 * Header bytes are kept as ISO-8859-1 so anything we echo back (Via, From, To) is byte-identical.
 */
package nvr.gb28181.sip;
