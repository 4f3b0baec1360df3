package dev.clipsync.client;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;

import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import org.jspecify.annotations.Nullable;

/**
 * The inline preview of an image pushed by reference: a PNG of at most 256 pixels a side
 * and {@link #MAX_BYTES}. The image is read subsampled, so a large one never sits in
 * memory at full size.
 */
final class Thumbnail {

	static final int MAX_BYTES = 64 * 1024;

	private static final int[] SIDES = { 256, 128, 64 };

	private Thumbnail() {
	}

	/**
	 * @return the preview as PNG bytes, or null when the file is not an image this JDK
	 * reads
	 */
	static byte @Nullable [] png(Path file, String mime) {
		if (!mime.startsWith("image/")) {
			return null;
		}
		try (ImageInputStream input = ImageIO.createImageInputStream(file.toFile())) {
			if (input == null) {
				return null;
			}
			Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
			if (!readers.hasNext()) {
				return null;
			}
			ImageReader reader = readers.next();
			try {
				reader.setInput(input, true, true);
				int width = reader.getWidth(0);
				int height = reader.getHeight(0);
				ImageReadParam param = reader.getDefaultReadParam();
				int step = Math.max(1, Math.max(width, height) / (2 * SIDES[0]));
				param.setSourceSubsampling(step, step, 0, 0);
				BufferedImage image = reader.read(0, param);
				for (int side : SIDES) {
					byte[] png = scaled(image, side);
					if (png.length <= MAX_BYTES) {
						return png;
					}
				}
				return null;
			}
			finally {
				reader.dispose();
			}
		}
		catch (IOException | RuntimeException ex) {
			// not an image after all, or one the JDK cannot read: no preview
			return null;
		}
	}

	private static byte[] scaled(BufferedImage image, int side) throws IOException {
		double scale = Math.min(1.0, (double) side / Math.max(image.getWidth(), image.getHeight()));
		int width = Math.max(1, (int) Math.round(image.getWidth() * scale));
		int height = Math.max(1, (int) Math.round(image.getHeight() * scale));
		BufferedImage thumbnail = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
		Graphics2D graphics = thumbnail.createGraphics();
		try {
			graphics.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
			graphics.drawImage(image, 0, 0, width, height, null);
		}
		finally {
			graphics.dispose();
		}
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ImageIO.write(thumbnail, "png", out);
		return out.toByteArray();
	}

}
