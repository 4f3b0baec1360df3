package dev.clipsync.local;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Children run in a session of their own (setsid), so Ctrl-C in the terminal reaches only
 * the launcher, which then stops them in order: services first, databases last. Without
 * setsid (not on every system) they share the terminal's signals.
 */
final class Detached {

	private static final Path SETSID = onPath("setsid");

	private Detached() {
	}

	static List<String> command(List<String> command) {
		if (SETSID == null) {
			return command;
		}
		List<String> detached = new ArrayList<>();
		detached.add(SETSID.toString());
		detached.addAll(command);
		return detached;
	}

	static Path onPath(String executable) {
		String path = System.getenv("PATH");
		if (path == null) {
			return null;
		}
		for (String directory : path.split(File.pathSeparator)) {
			Path candidate = Path.of(directory, executable);
			if (Files.isExecutable(candidate)) {
				return candidate;
			}
		}
		return null;
	}

}
