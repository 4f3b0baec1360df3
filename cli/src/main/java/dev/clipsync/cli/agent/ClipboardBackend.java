package dev.clipsync.cli.agent;

import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * A platform clipboard. Changes are attributed by ownership, not content: while the
 * clipboard holds what the agent put there (it still owns the selection), nothing is
 * reported, however the platform rewrites the bytes; a change is reported only once
 * another program took the clipboard.
 */
interface ClipboardBackend extends AutoCloseable {

	/** What the user copied. */
	record Copied(String text, boolean concealed) {
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
