package dev.clipsync.client;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;
import java.util.function.LongConsumer;

import dev.clipsync.client.e2e.ClipCipher;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Uploads and downloads of blobs, streamed: a transfer holds at most one chunk in memory.
 * Digests are computed as the bytes pass; a download resumes from its {@code .part} file.
 */
final class Blobs {

	static final String PART_SUFFIX = ".part";

	private static final int BUFFER = 64 * 1024;

	private final HttpClient http;

	private final Credentials credentials;

	private final URI endpoint;

	Blobs(HttpClient http, Credentials credentials, URI endpoint) {
		this.http = http;
		this.credentials = credentials;
		this.endpoint = endpoint;
	}

	/**
	 * Upload a file, sealed in chunks when a cipher is given.
	 */
	Upload upload(Path file, String mime, @Nullable ClipCipher cipher, Progress progress) {
		long size;
		InputStream source;
		try {
			size = Files.size(file);
			source = Files.newInputStream(file);
		}
		catch (NoSuchFileException ex) {
			throw new ClipSyncException("no_such_file", 0, "no such file: " + file);
		}
		catch (IOException ex) {
			throw new ClipSyncException("unreadable_file", "cannot read " + file + ": " + ex.getMessage(), ex);
		}
		UUID clipId = UUID.randomUUID();
		long wireSize = (cipher != null) ? ClipCipher.sealedSize(size) : size;
		MessageDigest contentDigest = sha256();
		MessageDigest storedDigest = sha256();
		RuntimeException[] stoppedBy = { null };
		InputStream content = new Tap(source, contentDigest, (done) -> {
			try {
				progress.advanced(done, size);
			}
			catch (RuntimeException ex) {
				stoppedBy[0] = ex;
				throw ex;
			}
		});
		InputStream wire = new Tap((cipher != null) ? new Sealing(content, cipher, clipId) : content, storedDigest,
				null);
		boolean[] opened = { false };
		HttpRequest request = HttpRequest.newBuilder(this.endpoint)
			.header("Authorization", "Bearer " + this.credentials.accessToken())
			.header("Content-Type", mime)
			.header("Accept", "application/json")
			// a refusal by size comes before a single byte is sent
			.expectContinue(true)
			.POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> {
				if (opened[0]) {
					throw new UncheckedIOException(new IOException("the upload cannot be sent twice"));
				}
				opened[0] = true;
				return wire;
			}), wireSize))
			.build();
		HttpResponse<String> response;
		try (wire) {
			progress.advanced(0, size);
			response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			if (stoppedBy[0] != null) {
				throw stoppedBy[0];
			}
			throw new ClipSyncException("upload_interrupted",
					"the upload of " + file + " broke off; nothing of it was kept: run the same command again", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new ClipSyncException("interrupted", "interrupted", ex);
		}
		if (response.statusCode() != 201) {
			throw Api.problem(this.endpoint, response.statusCode(), response.body());
		}
		JsonNode answer = Json.mapper.readTree(response.body());
		BlobRef stored = new BlobRef(UUID.fromString(answer.path("blobId").asString()), answer.path("size").asLong(),
				answer.path("sha256").asString());
		String sent = HexFormat.of().formatHex(storedDigest.digest());
		if (stored.size() != wireSize || !stored.sha256().equals(sent)) {
			throw new ClipSyncException("digest_mismatch", 0, "the server stored other bytes than were sent (SHA-256 "
					+ stored.sha256() + ", sent " + sent + "): run the same command again");
		}
		BlobRef contentRef = (cipher != null)
				? new BlobRef(stored.blobId(), size, HexFormat.of().formatHex(contentDigest.digest())) : stored;
		return new Upload(clipId, contentRef, stored, cipher != null);
	}

	/**
	 * Download a clip's blob to a file, resuming from {@code target.part}; the part
	 * becomes the target only when its size and SHA-256 are the clip's.
	 */
	void download(Clip clip, Path target, @Nullable ClipCipher cipher, Progress progress) {
		BlobRef blob = clip.blob();
		if (blob == null) {
			throw new IllegalArgumentException("clip #" + clip.seq() + " holds its content inline");
		}
		if (clip.locked() || (clip.encrypted() && cipher == null)) {
			throw new ClipSyncException("locked", 0,
					"clip #" + clip.seq() + " is end-to-end encrypted with a passphrase this device does not have");
		}
		ClipCipher opener = clip.encrypted() ? cipher : null;
		Path part = target.resolveSibling(target.getFileName() + PART_SUFFIX);
		long size = blob.size();
		MessageDigest digest = sha256();
		long have;
		try {
			have = Files.exists(part) ? Files.size(part) : 0;
			if (have > size) {
				have = 0;
			}
			if (opener != null && have < size) {
				// only whole chunks count: they are what the sealed ranges line up with
				have -= have % ClipCipher.BLOB_CHUNK;
			}
			hashPrefix(part, have, digest);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot read " + part + ": " + ex.getMessage(), ex);
		}
		progress.advanced(have, size);
		if (have < size) {
			have = fetch(clip, blob, part, have, digest, opener, progress);
		}
		String actual = HexFormat.of().formatHex(digest.digest());
		if (have != size || !actual.equals(blob.sha256())) {
			deleteQuietly(part);
			throw new ClipSyncException("digest_mismatch", 0,
					"the downloaded bytes are not the clip's (SHA-256 " + actual + ", expected " + blob.sha256()
							+ "); the partial download was removed: run the same command again");
		}
		try {
			Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot move " + part + " to " + target + ": " + ex.getMessage(), ex);
		}
	}

	/**
	 * @return how many bytes of content the part holds afterwards
	 */
	private long fetch(Clip clip, BlobRef blob, Path part, long have, MessageDigest digest, @Nullable ClipCipher opener,
			Progress progress) {
		long size = blob.size();
		long from = (opener != null)
				? (have / ClipCipher.BLOB_CHUNK) * (ClipCipher.BLOB_CHUNK + ClipCipher.CHUNK_OVERHEAD) : have;
		HttpResponse<InputStream> response = get(blob.blobId(), from);
		if (response.statusCode() == 200 && from > 0) {
			// the server sent the whole blob instead of the range: start over
			have = 0;
			digest.reset();
		}
		else if (response.statusCode() != 200 && response.statusCode() != 206) {
			String body;
			try (InputStream in = response.body()) {
				body = new String(in.readNBytes(BUFFER), java.nio.charset.StandardCharsets.UTF_8);
			}
			catch (IOException ex) {
				body = "";
			}
			if (response.statusCode() == 404) {
				throw new ClipSyncException("not_found", 404, "the content of clip #" + clip.seq()
						+ " is no longer on the server (its clip was deleted, or it expired)");
			}
			throw Api.problem(this.endpoint, response.statusCode(), body);
		}
		try (InputStream in = response.body();
				FileChannel channel = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
			channel.truncate(have);
			channel.position(have);
			OutputStream out = Channels.newOutputStream(channel);
			if (opener != null) {
				byte[] sealed = new byte[ClipCipher.BLOB_CHUNK + ClipCipher.CHUNK_OVERHEAD];
				while (have < size) {
					int plainLength = (int) Math.min(ClipCipher.BLOB_CHUNK, size - have);
					int length = plainLength + ClipCipher.CHUNK_OVERHEAD;
					if (in.readNBytes(sealed, 0, length) < length) {
						throw new EOFException("the download ended early");
					}
					byte[] plain;
					try {
						plain = opener.openChunk(clip.id(), have / ClipCipher.BLOB_CHUNK, sealed, length);
					}
					catch (ClipCipher.LockedException ex) {
						plain = new byte[0];
					}
					if (plain.length != plainLength) {
						channel.close();
						deleteQuietly(part);
						throw new ClipSyncException("digest_mismatch", 0,
								"chunk " + (have / ClipCipher.BLOB_CHUNK) + " of clip #" + clip.seq()
										+ " does not open with this key: it was changed or "
										+ "belongs to another clip; the partial download was removed");
					}
					out.write(plain);
					digest.update(plain);
					have += plainLength;
					progress.advanced(have, size);
				}
			}
			else {
				byte[] buffer = new byte[BUFFER];
				while (have < size) {
					int read = in.read(buffer, 0, (int) Math.min(buffer.length, size - have));
					if (read < 0) {
						throw new EOFException("the download ended early");
					}
					out.write(buffer, 0, read);
					digest.update(buffer, 0, read);
					have += read;
					progress.advanced(have, size);
				}
			}
			out.flush();
			return have;
		}
		catch (IOException ex) {
			throw new ClipSyncException("download_interrupted", "the download broke off after " + have + " of " + size
					+ " bytes; what arrived is kept: run the same command again to resume", ex);
		}
	}

	private HttpResponse<InputStream> get(UUID blobId, long from) {
		URI uri = Endpoints.at(this.endpoint, blobId.toString());
		String token = this.credentials.accessToken();
		HttpResponse<InputStream> response = send(uri, from, token);
		if (response.statusCode() == 401) {
			closeQuietly(response.body());
			response = send(uri, from, this.credentials.replace(token).accessToken());
		}
		return response;
	}

	private HttpResponse<InputStream> send(URI uri, long from, String token) {
		HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token).GET();
		if (from > 0) {
			request.header("Range", "bytes=" + from + "-");
		}
		try {
			return this.http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
		}
		catch (IOException ex) {
			throw Api.unreachable(uri, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new ClipSyncException("interrupted", "interrupted", ex);
		}
	}

	private static void hashPrefix(Path part, long length, MessageDigest digest) throws IOException {
		if (length == 0) {
			return;
		}
		try (InputStream in = Files.newInputStream(part)) {
			byte[] buffer = new byte[BUFFER];
			long left = length;
			while (left > 0) {
				int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
				if (read < 0) {
					throw new EOFException(part + " shrank while it was read");
				}
				digest.update(buffer, 0, read);
				left -= read;
			}
		}
	}

	private static void deleteQuietly(Path file) {
		try {
			Files.deleteIfExists(file);
		}
		catch (IOException ex) {
			// left behind; the next download starts over when the digest fails again
		}
	}

	private static void closeQuietly(InputStream in) {
		try {
			in.close();
		}
		catch (IOException ex) {
			// nothing left to read from it
		}
	}

	static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is part of every JDK", ex);
		}
	}

	/** Passes bytes through, digesting and counting them. */
	private static final class Tap extends FilterInputStream {

		private final MessageDigest digest;

		private final @Nullable LongConsumer counted;

		private long count;

		Tap(InputStream in, MessageDigest digest, @Nullable LongConsumer counted) {
			super(in);
			this.digest = digest;
			this.counted = counted;
		}

		@Override
		public int read() throws IOException {
			byte[] one = new byte[1];
			return (read(one, 0, 1) < 0) ? -1 : (one[0] & 0xff);
		}

		@Override
		public int read(byte[] buffer, int offset, int length) throws IOException {
			int read = super.read(buffer, offset, length);
			if (read > 0) {
				this.digest.update(buffer, offset, read);
				this.count += read;
				if (this.counted != null) {
					this.counted.accept(this.count);
				}
			}
			return read;
		}

		@Override
		public long skip(long n) {
			return 0;
		}

	}

	/**
	 * The sealed form of a stream: each chunk of {@link ClipCipher#BLOB_CHUNK} bytes
	 * sealed.
	 */
	private static final class Sealing extends InputStream {

		private final InputStream plain;

		private final ClipCipher cipher;

		private final UUID clipId;

		private final byte[] chunk = new byte[ClipCipher.BLOB_CHUNK];

		private byte[] sealed = new byte[0];

		private int position;

		private long index;

		private boolean ended;

		Sealing(InputStream plain, ClipCipher cipher, UUID clipId) {
			this.plain = plain;
			this.cipher = cipher;
			this.clipId = clipId;
		}

		@Override
		public int read() throws IOException {
			byte[] one = new byte[1];
			return (read(one, 0, 1) < 0) ? -1 : (one[0] & 0xff);
		}

		@Override
		public int read(byte[] buffer, int offset, int length) throws IOException {
			if (this.position == this.sealed.length) {
				if (this.ended) {
					return -1;
				}
				int read = this.plain.readNBytes(this.chunk, 0, this.chunk.length);
				if (read < this.chunk.length) {
					this.ended = true;
				}
				if (read == 0) {
					return -1;
				}
				this.sealed = this.cipher.sealChunk(this.clipId, this.index++, this.chunk, read);
				this.position = 0;
			}
			int n = Math.min(length, this.sealed.length - this.position);
			System.arraycopy(this.sealed, this.position, buffer, offset, n);
			this.position += n;
			return n;
		}

		@Override
		public void close() throws IOException {
			this.plain.close();
		}

	}

}
