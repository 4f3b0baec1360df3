package dev.clipsync.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import dev.clipsync.client.profile.Profile;
import tools.jackson.databind.node.ObjectNode;

/**
 * Pushes not yet acked, one file each in the profile's {@code outbox/} folder, holding
 * the exact push message (already encrypted when end-to-end encryption is on). A push
 * stays until its ack arrives, so after a reconnect, a restart or a crash it is sent
 * again with the same id and the server stores it once. File names sort in the order
 * pushed.
 */
public final class Outbox {

	private static final AtomicLong counter = new AtomicLong();

	private final Path directory;

	Outbox(Profile profile) {
		this.directory = profile.outboxDirectory();
	}

	/** One unacked push. */
	record Entry(UUID id, ObjectNode push, Path file) {
	}

	void add(UUID id, ObjectNode push) {
		String name = String.format("%016x-%06x-%s.json", System.currentTimeMillis(),
				counter.incrementAndGet() & 0xffffff, id);
		Profile.writePrivate(this.directory.resolve(name), Json.mapper.writeValueAsString(push));
	}

	List<Entry> entries() {
		List<Path> files = new ArrayList<>();
		try (DirectoryStream<Path> stream = Files.newDirectoryStream(this.directory, "*.json")) {
			stream.forEach(files::add);
		}
		catch (NoSuchFileException ex) {
			return List.of();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		files.sort(null);
		List<Entry> entries = new ArrayList<>();
		for (Path file : files) {
			try {
				ObjectNode push = (ObjectNode) Json.mapper.readTree(Files.readString(file));
				entries.add(new Entry(UUID.fromString(push.get("id").asString()), push, file));
			}
			catch (NoSuchFileException ex) {
				// acked meanwhile by another process of this profile
			}
			catch (IOException | RuntimeException ex) {
				// unreadable (a crash before the atomic move cannot cause this): set
				// aside
				try {
					Files.move(file, file.resolveSibling(file.getFileName() + ".broken"));
				}
				catch (IOException ignored) {
					// left for the user to look at
				}
			}
		}
		return entries;
	}

	/**
	 * @return the number of pushes waiting for their ack
	 */
	public int size() {
		return entries().size();
	}

	/**
	 * @return whether the push is still waiting for its ack
	 */
	public boolean contains(UUID id) {
		return entries().stream().anyMatch((entry) -> entry.id().equals(id));
	}

	void remove(UUID id) {
		String suffix = "-" + id + ".json";
		try (DirectoryStream<Path> stream = Files.newDirectoryStream(this.directory, "*" + suffix)) {
			for (Path file : stream) {
				Files.deleteIfExists(file);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
