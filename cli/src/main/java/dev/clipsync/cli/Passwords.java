package dev.clipsync.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Secrets from the terminal without echo, or from standard input (one per line) for
 * scripts; never from the command line, where other users would see them.
 */
final class Passwords {

	private static BufferedReader stdin;

	private Passwords() {
	}

	static String read(String prompt, boolean fromStdin) {
		if (fromStdin) {
			try {
				if (stdin == null) {
					stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
				}
				String line = stdin.readLine();
				if (line == null) {
					throw new UserError(Exit.USAGE,
							"standard input ended before the " + prompt.toLowerCase() + " was read");
				}
				return line;
			}
			catch (IOException ex) {
				throw new UserError(Exit.FAILED, "cannot read standard input: " + ex.getMessage());
			}
		}
		Console console = System.console();
		if (console == null) {
			throw new UserError(Exit.USAGE, "no terminal to ask for the " + prompt.toLowerCase()
					+ ": pass it on standard input with --password-stdin");
		}
		char[] typed = console.readPassword("%s: ", prompt);
		if (typed == null) {
			throw new UserError(Exit.INTERRUPTED, "cancelled");
		}
		return new String(typed);
	}

	static String readNew(String prompt, boolean fromStdin) {
		String first = read(prompt, fromStdin);
		if (!fromStdin) {
			String again = read(prompt + " again", false);
			if (!first.equals(again)) {
				throw new UserError(Exit.USAGE, "the two entries differ: run the command again");
			}
		}
		return first;
	}

}
