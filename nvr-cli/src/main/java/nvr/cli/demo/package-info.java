/**
 * The embedded demo ({@code nvr demo}, {@code nvr serve --demo}): simulated cameras sending real
 * MPEG-PS over RTP/UDP on loopback to the NVR's static camera ports, so a newcomer sees recordings
 * with no camera and no ffmpeg. H.264 is generated live with jcodec's encoder (clock and frame number
 * burned in with a 5x7 pixel font); H.265, which jcodec cannot encode, is a 6 s 320x240 clip looped with
 * fresh timestamps, made once with:
 * {@code ffmpeg -f lavfi -i testsrc2=size=320x240:rate=10 -t 6 -pix_fmt yuv420p -c:v libx265 -preset fast
 * -x265-params keyint=10:min-keyint=10:scenecut=0:bframes=0:repeat-headers=1 -b:v 150k -f hevc lobby-320x240-10fps.h265}.
 */
package nvr.cli.demo;
