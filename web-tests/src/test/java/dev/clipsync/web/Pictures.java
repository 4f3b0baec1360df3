package dev.clipsync.web;

import java.awt.Color;
import java.awt.Font;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Random;

import javax.imageio.ImageIO;

/**
 * PNG images for the tests: a picture a person would recognise in a screenshot, with
 * noise enough that it does not compress to nothing (a real screenshot's size,
 * megabytes).
 */
final class Pictures {

	private Pictures() {
	}

	static byte[] png(int width, int height, long seed) throws Exception {
		BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
		Graphics2D g = image.createGraphics();
		g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
		g.setPaint(new GradientPaint(0, 0, new Color(0x1f6feb), width, height, new Color(0x8957e5)));
		g.fillRect(0, 0, width, height);
		g.setColor(new Color(255, 255, 255, 200));
		g.fillOval(width / 8, height / 5, width / 3, width / 3);
		g.setColor(new Color(0xf2cc60));
		g.fillRoundRect(width / 2, height / 3, width / 3, height / 3, 40, 40);
		g.setColor(Color.WHITE);
		g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, Math.max(12, height / 10)));
		g.drawString("ClipSync", width / 10, height - height / 8);
		g.dispose();
		Random random = new Random(seed);
		for (int y = 0; y < height; y++) {
			for (int x = 0; x < width; x++) {
				int rgb = image.getRGB(x, y);
				int noise = random.nextInt(24) - 12;
				int r = clamp(((rgb >> 16) & 0xff) + noise);
				int gr = clamp(((rgb >> 8) & 0xff) + noise);
				int b = clamp((rgb & 0xff) + noise);
				image.setRGB(x, y, (r << 16) | (gr << 8) | b);
			}
		}
		return write(image);
	}

	static BufferedImage read(byte[] png) throws Exception {
		BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
		if (image == null) {
			throw new AssertionError("not an image ImageIO can read");
		}
		return image;
	}

	private static byte[] write(BufferedImage image) throws Exception {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ImageIO.write(image, "png", out);
		return out.toByteArray();
	}

	private static int clamp(int value) {
		return Math.max(0, Math.min(255, value));
	}

}
