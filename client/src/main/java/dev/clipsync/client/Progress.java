package dev.clipsync.client;

/**
 * Told how far an upload or download is, from the thread doing it. Throwing stops the
 * transfer; a download keeps what it has for the next attempt.
 */
@FunctionalInterface
public interface Progress {

	/** Ignores every report. */
	Progress NONE = (done, total) -> {
	};

	/**
	 * @param done bytes of content transferred (a resumed download starts with what it
	 * already had)
	 * @param total the content's size
	 */
	void advanced(long done, long total);

}
