package nvr.cli.demo;

import java.util.Map;

/** A 5x7 bitmap font for the demo's burned-in clock (no AWT: headless servers often have no fonts). */
final class PixelFont {
    static final int W = 5;
    static final int H = 7;

    private static final Map<Character, String[]> GLYPHS = Map.ofEntries(
            Map.entry('0', new String[] {".###.", "#...#", "#..##", "#.#.#", "##..#", "#...#", ".###."}),
            Map.entry('1', new String[] {"..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###."}),
            Map.entry('2', new String[] {".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####"}),
            Map.entry('3', new String[] {"####.", "....#", "....#", ".###.", "....#", "....#", "####."}),
            Map.entry('4', new String[] {"...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#."}),
            Map.entry('5', new String[] {"#####", "#....", "####.", "....#", "....#", "#...#", ".###."}),
            Map.entry('6', new String[] {"..##.", ".#...", "#....", "####.", "#...#", "#...#", ".###."}),
            Map.entry('7', new String[] {"#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#..."}),
            Map.entry('8', new String[] {".###.", "#...#", "#...#", ".###.", "#...#", "#...#", ".###."}),
            Map.entry('9', new String[] {".###.", "#...#", "#...#", ".####", "....#", "...#.", ".##.."}),
            Map.entry(':', new String[] {".....", "..#..", "..#..", ".....", "..#..", "..#..", "....."}),
            Map.entry('-', new String[] {".....", ".....", ".....", "#####", ".....", ".....", "....."}),
            Map.entry('.', new String[] {".....", ".....", ".....", ".....", ".....", ".##..", ".##.."}),
            Map.entry('#', new String[] {".#.#.", ".#.#.", "#####", ".#.#.", "#####", ".#.#.", ".#.#."}),
            Map.entry(' ', new String[] {".....", ".....", ".....", ".....", ".....", ".....", "....."}),
            Map.entry('A', new String[] {".###.", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"}),
            Map.entry('C', new String[] {".###.", "#...#", "#....", "#....", "#....", "#...#", ".###."}),
            Map.entry('E', new String[] {"#####", "#....", "#....", "####.", "#....", "#....", "#####"}),
            Map.entry('G', new String[] {".###.", "#...#", "#....", "#.###", "#...#", "#...#", ".####"}),
            Map.entry('H', new String[] {"#...#", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"}),
            Map.entry('M', new String[] {"#...#", "##.##", "#.#.#", "#.#.#", "#...#", "#...#", "#...#"}),
            Map.entry('R', new String[] {"####.", "#...#", "#...#", "####.", "#.#..", "#..#.", "#...#"}),
            Map.entry('T', new String[] {"#####", "..#..", "..#..", "..#..", "..#..", "..#..", "..#.."}),
            Map.entry('Y', new String[] {"#...#", "#...#", ".#.#.", "..#..", "..#..", "..#..", "..#.."}),
            Map.entry('D', new String[] {"####.", "#...#", "#...#", "#...#", "#...#", "#...#", "####."}));

    private PixelFont() {
    }

    /** Draws {@code text} into an 8-bit luma plane at (x, y), each font pixel {@code scale} x {@code scale}. */
    static void draw(byte[] luma, int stride, int height, String text, int x, int y, int scale, int value) {
        int cx = x;
        for (char ch : text.toCharArray()) {
            String[] g = GLYPHS.getOrDefault(ch, GLYPHS.get(' '));
            for (int row = 0; row < H; row++) {
                for (int col = 0; col < W; col++) {
                    if (g[row].charAt(col) == '#') {
                        fill(luma, stride, height, cx + col * scale, y + row * scale, scale, value);
                    }
                }
            }
            cx += (W + 1) * scale;
        }
    }

    static int width(String text, int scale) {
        return text.length() * (W + 1) * scale;
    }

    private static void fill(byte[] luma, int stride, int height, int x0, int y0, int size, int value) {
        for (int y = y0; y < y0 + size && y < height; y++) {
            for (int x = x0; x < x0 + size && x < stride; x++) {
                if (x >= 0 && y >= 0) {
                    luma[y * stride + x] = (byte) value;
                }
            }
        }
    }
}
