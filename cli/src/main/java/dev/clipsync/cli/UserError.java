package dev.clipsync.cli;

/** A failure the user can fix, said in one line that tells how. */
final class UserError extends RuntimeException {

	private final int exitCode;

	UserError(int exitCode, String message) {
		super(message);
		this.exitCode = exitCode;
	}

	int exitCode() {
		return this.exitCode;
	}

}
