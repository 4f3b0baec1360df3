package dev.clipsync.cli.agent;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * A platform clipboard. Changes are attributed by ownership, not content: while the
 * clipboard holds what the agent put there (it still owns the selection), nothing is
 * reported, however the platform rewrites the bytes; a change is reported only once
 * another program took the clipboard.
 */
interface ClipboardBackend extends AutoCloseable {

	/**
	 * What the user copied: text, an image, or files.
	 *
	 * @param text the text (empty for an image or files)
	 * @param concealed a password manager marked it secret
	 * @param png the image's PNG bytes, exactly as the copying program offered them
	 * @param files the files a file manager copied
	 */
	record Copied(String text, boolean concealed, byte @Nullable [] png, List<Path> files) {

		Copied(String text, boolean concealed) {
			this(text, concealed, null, List.of());
		}

		static Copied image(byte[] png) {
			return new Copied("", false, png, List.of());
		}

		static Copied files(List<Path> files) {
			return new Copied("", false, null, List.copyOf(files));
		}

	}

	/** Start watching; {@code onCopy} is called for each copy by another program. */
	void watch(Consumer<Copied> onCopy);

	/**
	 * Put a received clip on the clipboard and own it.
	 * @param text the content
	 * @param concealed mark it secret for clipboard managers (a sensitive clip)
	 * @param clipId the clip's id, remembered as what the clipboard holds
	 */
	void apply(String text, boolean concealed, String clipId);

	/**
	 * Put a received PNG image on the clipboard, offered as {@code image/png} with
	 * exactly these bytes, and own it.
	 * @return false when this clipboard takes text only
	 */
	default boolean applyImage(byte[] png, String clipId) {
		return false;
	}

	/**
	 * Put files on the clipboard as a file list (X11: {@code text/uri-list}), and own it.
	 * @return false when this clipboard cannot hold files
	 */
	default boolean applyFiles(List<Path> files, String clipId) {
		return false;
	}

	/**
	 * @return the id of the applied clip the clipboard still holds, or null once another
	 * program took it
	 */
	@Nullable String holding();

	/** Empty the clipboard if it still holds this clip. */
	void clearIfHolding(String clipId);

	String name();

	@Override
	void close();

}
