package dev.clipsync.local;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.jspecify.annotations.Nullable;

/**
 * One fleet per data folder: a lock held for the launcher's whole life (the operating
 * system releases it however the launcher ends), so a second start says so plainly
 * instead of failing deep inside PostgreSQL.
 */
final class DataFolderLock implements AutoCloseable {

	private final FileChannel channel;

	private final FileLock lock;

	private DataFolderLock(FileChannel channel, FileLock lock) {
		this.channel = channel;
		this.lock = lock;
	}

	/** The lock, or {@code null} when another process holds it. */
	static @Nullable DataFolderLock acquire(Path data) throws IOException {
		FileChannel channel = FileChannel.open(data.resolve("clipsync-local.lock"), StandardOpenOption.CREATE,
				StandardOpenOption.WRITE);
		try {
			FileLock lock = channel.tryLock();
			if (lock != null) {
				return new DataFolderLock(channel, lock);
			}
		}
		catch (OverlappingFileLockException ex) {
			// held by this very process
		}
		channel.close();
		return null;
	}

	@Override
	public void close() throws IOException {
		this.lock.release();
		this.channel.close();
	}

}
