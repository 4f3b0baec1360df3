import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;

import javax.imageio.ImageIO;

/**
 * Draws the web client's icons (web/icons/*.png): a clipboard on a blue tile. Run from the
 * repository root with {@code java web-tests/tools/DrawIcons.java web/icons}.
 */
public class DrawIcons {

	public static void main(String[] args) throws IOException {
		File out = new File(args.length > 0 ? args[0] : "web/icons");
		out.mkdirs();
		write(draw(192, false), new File(out, "icon-192.png"));
		write(draw(512, false), new File(out, "icon-512.png"));
		write(draw(512, true), new File(out, "maskable-512.png"));
		// iOS adds its own rounded mask and shows transparency as black: full bleed
		write(draw(180, true), new File(out, "apple-touch-icon.png"));
	}

	private static void write(BufferedImage image, File file) throws IOException {
		ImageIO.write(image, "png", file);
		System.out.println("wrote " + file);
	}

	/** Maskable icons fill the square and keep the drawing inside the central 80% safe zone. */
	private static BufferedImage draw(int size, boolean fullBleed) {
		BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
		Graphics2D g = image.createGraphics();
		g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
		g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
		float s = size;
		g.setPaint(new GradientPaint(0, 0, new Color(0x2f81f7), 0, s, new Color(0x1a4fb8)));
		if (fullBleed) {
			g.fillRect(0, 0, size, size);
		}
		else {
			g.fill(new RoundRectangle2D.Float(0, 0, s, s, s * 0.42f, s * 0.42f));
		}
		float scale = fullBleed ? 0.72f : 0.9f;
		float unit = s * scale;
		float ox = (s - unit) / 2;
		float oy = (s - unit) / 2;
		// the board
		g.setColor(Color.WHITE);
		g.fill(new RoundRectangle2D.Float(ox + unit * 0.2f, oy + unit * 0.16f, unit * 0.6f, unit * 0.72f, unit * 0.12f,
				unit * 0.12f));
		// the clip at its top
		g.setColor(new Color(0x0d1117));
		g.fill(new RoundRectangle2D.Float(ox + unit * 0.36f, oy + unit * 0.1f, unit * 0.28f, unit * 0.13f, unit * 0.07f,
				unit * 0.07f));
		// lines of text
		g.setColor(new Color(0x2f81f7));
		g.setStroke(new BasicStroke(unit * 0.05f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
		float left = ox + unit * 0.3f;
		float[] ends = { 0.7f, 0.62f, 0.7f, 0.5f };
		for (int i = 0; i < ends.length; i++) {
			float y = oy + unit * (0.36f + i * 0.12f);
			g.drawLine(Math.round(left), Math.round(y), Math.round(ox + unit * ends[i]), Math.round(y));
		}
		g.dispose();
		return image;
	}

}
