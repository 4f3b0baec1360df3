package dev.clipsync.client.profile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * One profile's folder: an account on a server, as one device. Every file is readable by
 * the user only (0600, folder 0700) and replaced atomically, so a crash never leaves half
 * a file. Read-modify-write sequences run under {@link #locked}, which excludes other
 * threads and other processes of the same profile (a refresh token must never be used
 * twice: the server would revoke the device).
 */
public final class Profile {

	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

	private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");

	private static final Set<PosixFilePermission> OWNER_DIRECTORY = PosixFilePermissions.fromString("rwx------");

	/**
	 * File locks are per process: threads of this process queue on a lock of their own.
	 */
	private static final Map<Path, ReentrantLock> threadLocks = new ConcurrentHashMap<>();

	private final String name;

	private final Path directory;

	private Profile(String name, Path directory) {
		this.name = name;
		this.directory = directory;
	}

	/**
	 * Where profiles live: {@code $CLIPSYNC_CONFIG_DIR}, else the platform's
	 * configuration folder ({@code $XDG_CONFIG_HOME/clipsync} or
	 * {@code ~/.config/clipsync} on Linux, {@code ~/Library/Application Support/ClipSync}
	 * on macOS, {@code %APPDATA%\ClipSync} on Windows).
	 * @return the folder that holds one folder per profile
	 */
	public static Path defaultRoot() {
		String explicit = System.getenv("CLIPSYNC_CONFIG_DIR");
		if (explicit != null && !explicit.isBlank()) {
			return Path.of(explicit);
		}
		String home = System.getProperty("user.home");
		String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
		if (os.contains("mac")) {
			return Path.of(home, "Library", "Application Support", "ClipSync");
		}
		if (os.contains("win")) {
			String appData = System.getenv("APPDATA");
			return (appData != null) ? Path.of(appData, "ClipSync") : Path.of(home, "AppData", "Roaming", "ClipSync");
		}
		String xdg = System.getenv("XDG_CONFIG_HOME");
		return ((xdg != null && !xdg.isBlank()) ? Path.of(xdg) : Path.of(home, ".config")).resolve("clipsync");
	}

	/**
	 * Open (and create if needed) a profile.
	 * @param root the folder of all profiles
	 * @param name letters, digits, dot, dash or underscore
	 * @return the profile
	 * @throws IllegalArgumentException for a name that cannot be a folder name
	 */
	public static Profile open(Path root, String name) {
		if (!NAME.matcher(name).matches()) {
			throw new IllegalArgumentException(
					"profile name '" + name + "' is not allowed: use letters, digits, '.', '-' or '_' (at most 64)");
		}
		Path directory = root.resolve("profiles").resolve(name).toAbsolutePath().normalize();
		try {
			createPrivateDirectories(directory);
			createPrivateDirectories(directory.resolve("outbox"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot create the profile folder " + directory + ": " + ex.getMessage(),
					ex);
		}
		return new Profile(name, directory);
	}

	public String name() {
		return this.name;
	}

	public Path directory() {
		return this.directory;
	}

	public Path outboxDirectory() {
		return this.directory.resolve("outbox");
	}

	/**
	 * Run while holding the profile's lock, against this process's other threads and
	 * against other processes. Reentrant within a thread.
	 * @param <T> what the action answers
	 * @param action what to do
	 * @return the action's answer
	 */
	public <T> T locked(Supplier<T> action) {
		ReentrantLock threadLock = threadLocks.computeIfAbsent(this.directory, (key) -> new ReentrantLock());
		threadLock.lock();
		try {
			if (threadLock.getHoldCount() > 1) {
				return action.get();
			}
			try (FileChannel channel = FileChannel.open(this.directory.resolve(".lock"), StandardOpenOption.CREATE,
					StandardOpenOption.WRITE); FileLock lock = channel.lock()) {
				return action.get();
			}
			catch (IOException ex) {
				throw new UncheckedIOException("cannot lock the profile " + this.directory + ": " + ex.getMessage(),
						ex);
			}
		}
		finally {
			threadLock.unlock();
		}
	}

	/**
	 * @param file a file name in the profile
	 * @return its content, or empty when there is no such file
	 */
	public Optional<String> read(String file) {
		try {
			return Optional.of(Files.readString(this.directory.resolve(file), StandardCharsets.UTF_8));
		}
		catch (NoSuchFileException ex) {
			return Optional.empty();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot read " + this.directory.resolve(file) + ": " + ex.getMessage(), ex);
		}
	}

	/**
	 * Replace a file atomically; only the user can read the result.
	 * @param file a file name in the profile, or a path relative to it
	 * @param content the new content
	 */
	public void write(String file, String content) {
		writePrivate(this.directory.resolve(file), content);
	}

	public void delete(String file) {
		try {
			Files.deleteIfExists(this.directory.resolve(file));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot delete " + this.directory.resolve(file) + ": " + ex.getMessage(),
					ex);
		}
	}

	/**
	 * When a file last changed, to notice changes made by another process.
	 * @param file a file name in the profile
	 * @return its modification time in milliseconds, 0 when absent
	 */
	public long modified(String file) {
		try {
			return Files.getLastModifiedTime(this.directory.resolve(file)).toMillis();
		}
		catch (IOException ex) {
			return 0;
		}
	}

	/**
	 * Write a file readable by the user only: the temporary file is created 0600 before
	 * any byte is written, then moved over the target in one step.
	 * @param target the file
	 * @param content its content
	 */
	public static void writePrivate(Path target, String content) {
		Path temporary = target.resolveSibling("." + target.getFileName() + "." + ProcessHandle.current().pid() + "."
				+ Thread.currentThread().threadId() + ".tmp");
		try {
			Files.deleteIfExists(temporary);
			if (posix(target)) {
				Files.createFile(temporary, PosixFilePermissions.asFileAttribute(OWNER_FILE));
			}
			Files.writeString(temporary, content, StandardCharsets.UTF_8, StandardOpenOption.WRITE,
					StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.SYNC);
			try {
				Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			}
			catch (AtomicMoveNotSupportedException ex) {
				Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot write " + target + ": " + ex.getMessage(), ex);
		}
	}

	private static void createPrivateDirectories(Path directory) throws IOException {
		if (Files.isDirectory(directory)) {
			return;
		}
		Path parent = directory.getParent();
		if (parent != null) {
			Files.createDirectories(parent);
		}
		try {
			if (posix(parent)) {
				Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(OWNER_DIRECTORY));
			}
			else {
				Files.createDirectory(directory);
			}
		}
		catch (FileAlreadyExistsException ex) {
			// another process was first
		}
	}

	private static boolean posix(@org.jspecify.annotations.Nullable Path path) {
		return path != null && path.getFileSystem().supportedFileAttributeViews().contains("posix");
	}

}
