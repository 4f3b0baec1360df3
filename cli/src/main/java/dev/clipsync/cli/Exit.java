package dev.clipsync.cli;

import dev.clipsync.client.ClipSyncException;

/** Exit codes, documented in the README and in {@code clipsync --help}. */
final class Exit {

	static final int OK = 0;

	/** Anything else that went wrong. */
	static final int FAILED = 1;

	/** The command line itself is wrong. */
	static final int USAGE = 2;

	/** The server cannot be reached, or is not available right now. */
	static final int UNREACHABLE = 3;

	/** Not signed in, signed out (revoked, password changed), or a wrong password. */
	static final int AUTH = 4;

	/**
	 * The server refused the request (invalid input, too large, unknown device or
	 * seq...).
	 */
	static final int REFUSED = 5;

	/** A push is not stored yet: it waits in the outbox and will be sent again. */
	static final int PENDING = 6;

	/** Interrupted (Ctrl-C). */
	static final int INTERRUPTED = 130;

	static final String HELP = """
			Exit codes:
			  0  done
			  1  failed
			  2  wrong command line
			  3  server unreachable or unavailable, or a transfer broke off (run it again)
			  4  not signed in, signed out, or wrong password
			  5  refused by the server (bad input, too large, not found)
			  6  push not stored yet: kept in the outbox, sent by the next clipsync command
			""";

	private Exit() {
	}

	static int of(ClipSyncException ex) {
		return switch (ex.code()) {
			case ClipSyncException.UNREACHABLE, "unavailable", "rate_limited", ClipSyncException.BAD_RESPONSE,
					"download_interrupted", "upload_interrupted" ->
				UNREACHABLE;
			case "digest_mismatch" -> FAILED;
			case ClipSyncException.NOT_LOGGED_IN, ClipSyncException.SIGNED_OUT, "invalid_credentials", "unauthorized",
					"device_revoked", "token_reused", "invalid_token" ->
				AUTH;
			default -> (ex.status() >= 500) ? UNREACHABLE : REFUSED;
		};
	}

}
