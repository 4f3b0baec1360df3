package dev.clipsync.common.token;

/**
 * An access token that must not be honoured. The message says why, for logs; clients only
 * ever see a generic refusal.
 */
public class InvalidTokenException extends RuntimeException {

	public InvalidTokenException(String message) {
		super(message);
	}

	public InvalidTokenException(String message, Throwable cause) {
		super(message, cause);
	}

}
