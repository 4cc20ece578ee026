/**
 * SDP (RFC 4566) with the GB/T 28181 additions: {@code s=Play|Playback|Download}, {@code u=channel:0},
 * {@code t=} ranges (Unix or NTP seconds, see {@link nvr.gb28181.sdp.SessionDescription#toUnixSeconds}),
 * {@code y=} 10-digit SSRC, {@code f=} media parameters, {@code a=setup}/{@code a=connection} for
 * TCP/RTP/AVP and {@code a=downloadspeed}. Both the live recording plan (offers) and the playback service
 * (answers to Playback/Download INVITEs) use this one codec.
 */
package nvr.gb28181.sdp;
