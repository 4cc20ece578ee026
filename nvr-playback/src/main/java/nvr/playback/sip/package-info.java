/**
 * The SIP face of playback: {@link nvr.playback.sip.PlaybackSipHandler} implements the SIP server's
 * {@link nvr.gb28181.sip.MediaSessionHandler} seam for {@code s=Playback} / {@code s=Download}. It maps
 * the SDP offer ({@code u=} channel, {@code t=} range, {@code y=} SSRC, {@code a=setup},
 * {@code a=downloadspeed}) to a {@link nvr.playback.PlaybackRequest}, answers with our SDP, and maps
 * refusals to SIP codes with a {@code Warning: 399} header carrying the one-line reason.
 */
package nvr.playback.sip;
