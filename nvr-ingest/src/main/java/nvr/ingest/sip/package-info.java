/**
 * The GB/T 28181 SIP server on UDP+TCP {@code sip.port}: {@link nvr.ingest.sip.SipServer} wires the
 * transport (Netty; parse only on the event loop), RFC 3261 transactions with T1/T2 timers, the registrar
 * (digest, nonce expiry, bad-password rate limit), keepalive supervision, Catalog/DeviceInfo queries, the
 * recording plan (INVITE s=Play per video channel, re-INVITE with backoff) and dispatch of Playback/Download
 * sessions to a {@link nvr.gb28181.sip.MediaSessionHandler}.
 *
 * <p>Why one signaling thread: all SIP state (transactions, dialogs, registry) is confined to it, so there are
 * no locks and the event loop never waits; disk work is limited to small registry writes on state changes.
 */
package nvr.ingest.sip;
