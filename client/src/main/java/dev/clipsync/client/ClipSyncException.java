package dev.clipsync.client;

/**
 * Something the server refused, or could not be asked. {@link #code()} is the server's
 * stable problem code ({@code invalid_credentials}, {@code email_taken}, ...) or one of
 * the client's own: {@code unreachable}, {@code not_logged_in}, {@code signed_out},
 * {@code bad_response}, {@code timeout}.
 */
public final class ClipSyncException extends RuntimeException {

	public static final String UNREACHABLE = "unreachable";

	public static final String NOT_LOGGED_IN = "not_logged_in";

	public static final String SIGNED_OUT = "signed_out";

	public static final String BAD_RESPONSE = "bad_response";

	private final String code;

	private final int status;

	public ClipSyncException(String code, int status, String message) {
		super(message);
		this.code = code;
		this.status = status;
	}

	public ClipSyncException(String code, String message, Throwable cause) {
		super(message, cause);
		this.code = code;
		this.status = 0;
	}

	/**
	 * @return the stable machine-readable code
	 */
	public String code() {
		return this.code;
	}

	/**
	 * @return the HTTP status, 0 when none was received
	 */
	public int status() {
		return this.status;
	}

}
