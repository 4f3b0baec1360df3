package dev.clipsync.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * The media type of a file: what the platform's type detection says (by name, from the
 * shared mime database), else the file's first bytes for the types people copy most.
 */
final class FileType {

	static final String UNKNOWN = "application/octet-stream";

	private static final byte[] PNG = { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

	private static final byte[] JPEG = { (byte) 0xff, (byte) 0xd8, (byte) 0xff };

	private static final byte[] GIF = { 'G', 'I', 'F', '8' };

	private static final byte[] PDF = { '%', 'P', 'D', 'F', '-' };

	private FileType() {
	}

	static String of(Path file) throws IOException {
		String probed = Files.probeContentType(file);
		if (probed != null && !probed.isBlank()) {
			return probed;
		}
		String sniffed = sniff(file);
		return (sniffed != null) ? sniffed : UNKNOWN;
	}

	static @Nullable String sniff(Path file) throws IOException {
		byte[] head;
		try (InputStream in = Files.newInputStream(file)) {
			head = in.readNBytes(8);
		}
		if (startsWith(head, PNG)) {
			return "image/png";
		}
		if (startsWith(head, JPEG)) {
			return "image/jpeg";
		}
		if (startsWith(head, GIF)) {
			return "image/gif";
		}
		if (startsWith(head, PDF)) {
			return "application/pdf";
		}
		return null;
	}

	private static boolean startsWith(byte[] head, byte[] magic) {
		return head.length >= magic.length && Arrays.equals(head, 0, magic.length, magic, 0, magic.length);
	}

}
