package dev.clipsync.client;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CancellationException;

import javax.imageio.ImageIO;

import dev.clipsync.client.e2e.ClipCipher;
import dev.clipsync.client.profile.Profile;
import dev.clipsync.client.testfleet.Fleet;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Files and images by reference, through a real fleet: upload, push, download with
 * resume, end-to-end sealed chunks, and the refusals a user can run into.
 */
class BlobEndToEndTest {

	private static final int MIB = 1024 * 1024;

	static Fleet fleet;

	@TempDir
	Path root;

	private final List<SyncSession> sessions = new ArrayList<>();

	@BeforeAll
	static void startFleet() {
		fleet = Fleet.shared();
	}

	@AfterEach
	void closeSessions() {
		this.sessions.forEach(SyncSession::close);
	}

	@Test
	void aThirtyMebibyteFileArrivesWithItsDigestAndAnInterruptedDownloadResumes() throws Exception {
		String email = register();
		ClipSync laptop = login("laptop", email);
		ClipSync phone = login("phone", email);
		Path file = randomFile("big.bin", 30 * MIB + 12345, 1);
		SdkEndToEndTest.Received onPhone = new SdkEndToEndTest.Received();
		SyncSession pusher = connect(laptop, new SdkEndToEndTest.Received());
		awaitConnected(connect(phone, onPhone), pusher);

		List<Long> sent = new ArrayList<>();
		Draft draft = laptop.upload(file, "application/octet-stream", (done, total) -> sent.add(done));
		assertThat(sent).isSorted().last().isEqualTo(Files.size(file));
		assertThat(draft.upload().content().sha256()).isEqualTo(sha256(file));
		UUID id = pusher.push(draft);
		assertThat(pusher.acked(id)).succeedsWithin(Duration.ofSeconds(20));
		Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> onPhone.clips.size() == 1);
		Clip clip = onPhone.clips.get(0);
		assertThat(clip.blob())
			.isEqualTo(new BlobRef(draft.upload().content().blobId(), Files.size(file), sha256(file)));
		assertThat(clip.isText()).isFalse();

		Path target = this.root.resolve("downloaded.bin");
		Path part = this.root.resolve("downloaded.bin.part");
		assertThatThrownBy(() -> phone.download(clip, target, (done, total) -> {
			if (done > 10 * MIB) {
				throw new CancellationException("stopped by the test");
			}
		})).isInstanceOf(CancellationException.class);
		assertThat(target).doesNotExist();
		long kept = Files.size(part);
		assertThat(kept).isGreaterThan(10 * MIB).isLessThan(Files.size(file));

		List<Long> resumed = new ArrayList<>();
		phone.download(clip, target, (done, total) -> resumed.add(done));
		assertThat(resumed.get(0)).isEqualTo(kept);
		assertThat(sha256(target)).isEqualTo(sha256(file));
		assertThat(part).doesNotExist();
	}

	@Test
	void anImageCarriesASmallPngPreviewInline() throws Exception {
		String email = register();
		ClipSync laptop = login("laptop", email);
		BufferedImage image = new BufferedImage(1600, 900, BufferedImage.TYPE_INT_RGB);
		Random random = new Random(7);
		for (int y = 0; y < image.getHeight(); y++) {
			for (int x = 0; x < image.getWidth(); x++) {
				image.setRGB(x, y, random.nextInt());
			}
		}
		Path png = this.root.resolve("screenshot.png");
		ImageIO.write(image, "png", png.toFile());

		Draft draft = laptop.upload(png, "image/png", Progress.NONE);

		assertThat(draft.encoding()).isEqualTo("base64");
		byte[] preview = java.util.Base64.getDecoder().decode(draft.data());
		assertThat(preview.length).isLessThanOrEqualTo(64 * 1024);
		BufferedImage thumbnail = ImageIO.read(new ByteArrayInputStream(preview));
		assertThat(Math.max(thumbnail.getWidth(), thumbnail.getHeight())).isLessThanOrEqualTo(256);
		assertThat((double) thumbnail.getWidth() / thumbnail.getHeight()).isCloseTo(16.0 / 9, within(0.05));
		assertThat(draft.upload().content().size()).isEqualTo(Files.size(png));
	}

	@Test
	void withEndToEndEncryptionTheDatabaseHoldsNoPlaintextAndTheOtherDeviceOpensIt() throws Exception {
		String email = register();
		ClipSync laptop = login("laptop", email);
		ClipSync phone = login("phone", email);
		laptop.enableE2e("blob passphrase");
		phone.enableE2e("blob passphrase");
		// recognisable plaintext, 3.4 chunks long
		byte[] marker = ("PLAINTEXT-MARKER-" + UUID.randomUUID() + "\n").getBytes(StandardCharsets.US_ASCII);
		Path file = this.root.resolve("notes.txt");
		try (OutputStream out = Files.newOutputStream(file)) {
			for (long written = 0; written < 3.4 * MIB; written += marker.length) {
				out.write(marker);
			}
		}
		SdkEndToEndTest.Received onPhone = new SdkEndToEndTest.Received();
		SyncSession pusher = connect(laptop, new SdkEndToEndTest.Received());
		awaitConnected(connect(phone, onPhone), pusher);

		Draft draft = laptop.upload(file, "text/plain", Progress.NONE);
		UUID id = pusher.push(draft);
		assertThat(pusher.acked(id)).succeedsWithin(Duration.ofSeconds(20));
		Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> onPhone.clips.size() == 1);
		Clip clip = onPhone.clips.get(0);
		assertThat(clip.encrypted()).isTrue();
		assertThat(clip.locked()).isFalse();
		assertThat(clip.mime()).isEqualTo("text/plain");
		assertThat(clip.blob().sha256()).isEqualTo(sha256(file));

		byte[] stored = storedBytes(draft.upload().stored().blobId());
		assertThat(stored.length).isEqualTo(ClipCipher.sealedSize(Files.size(file)));
		assertThat(indexOf(stored, java.util.Arrays.copyOf(marker, 16))).isEqualTo(-1);
		assertThat(draft.upload().stored().sha256()).isNotEqualTo(sha256(file));

		// stop after two chunks, and leave half a third behind as a crash would: the
		// resume starts from the two whole ones
		Path target = this.root.resolve("notes-on-phone.txt");
		assertThatThrownBy(() -> phone.download(clip, target, (done, total) -> {
			if (done >= 2 * MIB) {
				throw new CancellationException("stopped by the test");
			}
		})).isInstanceOf(CancellationException.class);
		Path part = this.root.resolve("notes-on-phone.txt.part");
		assertThat(Files.size(part)).isEqualTo(2L * MIB);
		Files.write(part, new byte[1000], java.nio.file.StandardOpenOption.APPEND);
		List<Long> resumed = new ArrayList<>();
		phone.download(clip, target, (done, total) -> resumed.add(done));
		assertThat(resumed.get(0)).isEqualTo(2L * MIB);
		assertThat(sha256(target)).isEqualTo(sha256(file));
	}

	@Test
	void refusalsAreClearExceptions() throws Exception {
		String email = register();
		ClipSync laptop = login("laptop", email);
		ClipSync phone = login("phone", email);

		Path tooBig = this.root.resolve("too-big.bin");
		try (RandomAccessFile sparse = new RandomAccessFile(tooBig.toFile(), "rw")) {
			sparse.setLength(33L * MIB);
		}
		assertThatThrownBy(() -> laptop.upload(tooBig, "application/octet-stream", Progress.NONE))
			.isInstanceOfSatisfying(ClipSyncException.class, (ex) -> {
				assertThat(ex.code()).isEqualTo("too_large");
				assertThat(ex.status()).isEqualTo(413);
				assertThat(ex.getMessage()).contains(Long.toString(32L * MIB));
			});

		assertThatThrownBy(() -> laptop.upload(this.root.resolve("missing.bin"), "text/plain", Progress.NONE))
			.isInstanceOfSatisfying(ClipSyncException.class, (ex) -> assertThat(ex.code()).isEqualTo("no_such_file"));

		// the fleet's quota is 40 MiB: the second of two 21 MiB uploads passes it
		Path big = randomFile("big.bin", 21 * MIB, 2);
		laptop.upload(big, "application/octet-stream", Progress.NONE);
		assertThatThrownBy(() -> laptop.upload(big, "application/octet-stream", Progress.NONE))
			.isInstanceOfSatisfying(ClipSyncException.class, (ex) -> {
				assertThat(ex.code()).isEqualTo("quota_exceeded");
				assertThat(ex.status()).isEqualTo(507);
			});

		// bytes changed in storage: the download fails its digest and keeps nothing
		Path file = randomFile("small.bin", 2 * MIB + 100, 3);
		SyncSession pusher = connect(laptop, new SdkEndToEndTest.Received());
		awaitConnected(pusher);
		Draft draft = laptop.upload(file, "application/octet-stream", Progress.NONE);
		assertThat(pusher.acked(pusher.push(draft))).succeedsWithin(Duration.ofSeconds(20));
		try (Connection db = fleet.database();
				PreparedStatement tamper = db.prepareStatement(
						"update blob_chunks set data = overlay(data placing '\\x00ff00ff'::bytea from 10) "
								+ "where blob_id = ? and idx = 1")) {
			tamper.setObject(1, draft.upload().stored().blobId());
			assertThat(tamper.executeUpdate()).isEqualTo(1);
		}
		Clip clip = phone.latest().orElseThrow();
		Path target = this.root.resolve("small-on-phone.bin");
		String expected = sha256(file);
		assertThatThrownBy(() -> phone.download(clip, target, Progress.NONE))
			.isInstanceOfSatisfying(ClipSyncException.class, (ex) -> {
				assertThat(ex.code()).isEqualTo("digest_mismatch");
				assertThat(ex.getMessage()).contains(expected);
			});
		assertThat(target).doesNotExist();
		assertThat(this.root.resolve("small-on-phone.bin.part")).doesNotExist();
	}

	private static org.assertj.core.data.Offset<Double> within(double offset) {
		return org.assertj.core.data.Offset.offset(offset);
	}

	private byte[] storedBytes(UUID blobId) throws Exception {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (Connection db = fleet.database();
				PreparedStatement query = db
					.prepareStatement("select data from blob_chunks where blob_id = ? order by idx")) {
			query.setObject(1, blobId);
			try (ResultSet rows = query.executeQuery()) {
				while (rows.next()) {
					bytes.write(rows.getBytes(1));
				}
			}
		}
		return bytes.toByteArray();
	}

	private static int indexOf(byte[] haystack, byte[] needle) {
		outer: for (int i = 0; i <= haystack.length - needle.length; i++) {
			for (int j = 0; j < needle.length; j++) {
				if (haystack[i + j] != needle[j]) {
					continue outer;
				}
			}
			return i;
		}
		return -1;
	}

	private Path randomFile(String name, long size, long seed) throws IOException {
		Path file = this.root.resolve(name);
		Random random = new Random(seed);
		byte[] block = new byte[MIB];
		try (OutputStream out = Files.newOutputStream(file)) {
			for (long left = size; left > 0; left -= block.length) {
				random.nextBytes(block);
				out.write(block, 0, (int) Math.min(block.length, left));
			}
		}
		return file;
	}

	static String sha256(Path file) throws Exception {
		MessageDigest digest = MessageDigest.getInstance("SHA-256");
		try (InputStream in = Files.newInputStream(file)) {
			byte[] buffer = new byte[64 * 1024];
			for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
				digest.update(buffer, 0, read);
			}
		}
		return HexFormat.of().formatHex(digest.digest());
	}

	private static String register() {
		String email = "blob-" + UUID.randomUUID() + "@example.com";
		ClipSync.register(fleet.server(), email, SdkEndToEndTest.PASSWORD, null);
		return email;
	}

	private ClipSync login(String device, String email) {
		return ClipSync.login(Profile.open(this.root, device), fleet.server(), email, SdkEndToEndTest.PASSWORD, device,
				"linux");
	}

	private SyncSession connect(ClipSync client, SdkEndToEndTest.Received listener) {
		SyncSession session = client.connect(listener, false);
		this.sessions.add(session);
		return session;
	}

	private static void awaitConnected(SyncSession... sessions) {
		Awaitility.await()
			.atMost(Duration.ofSeconds(20))
			.until(() -> java.util.Arrays.stream(sessions).allMatch((s) -> s.state() == SyncSession.State.CONNECTED));
	}

}
