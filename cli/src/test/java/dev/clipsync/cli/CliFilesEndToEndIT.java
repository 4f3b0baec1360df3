package dev.clipsync.cli;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.UUID;

import dev.clipsync.client.testfleet.Fleet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code clipsync push --file} and {@code paste -o} of the installed command against a
 * real fleet, between two profiles of one account.
 */
class CliFilesEndToEndIT {

	private static final int MIB = 1024 * 1024;

	static Fleet fleet;

	@TempDir
	Path config;

	@TempDir
	Path files;

	@BeforeAll
	static void startFleet() {
		fleet = Fleet.shared();
	}

	@Test
	void aThirtyMebibyteFileIsSavedOnTheOtherDeviceWithTheSameDigestAndABrokenOffDownloadResumes() throws Exception {
		Cli cli = signedInPair();
		Path file = randomFile("archive.bin", 30 * MIB + 777);
		Cli.Result pushed = cli.run(null, "--profile", "laptop", "push", "--file", file.toString()).expect(0);
		assertThat(pushed.out()).startsWith("Pushed archive.bin (#");
		// not a terminal: no progress bar in a script's output
		assertThat(pushed.err()).doesNotContain("Uploading");

		JsonNode newest = CliEndToEndIT.json
			.readTree(cli.run(null, "--profile", "phone", "--json", "paste").expect(0).out());
		assertThat(newest.get("mime").asString()).isEqualTo("application/octet-stream");
		assertThat(newest.get("blob").get("size").asLong()).isEqualTo(Files.size(file));
		assertThat(newest.get("blob").get("sha256").asString()).isEqualTo(sha256(file));
		assertThat(cli.run(null, "--profile", "phone", "paste").expect(Exit.USAGE).err())
			.contains("is a file (application/octet-stream, 30.0 MiB)")
			.contains("-o PATH");

		Path saved = this.files.resolve("saved.bin");
		Cli.Result paste = cli.run(null, "--profile", "phone", "paste", "-o", saved.toString()).expect(0);
		assertThat(paste.out()).contains("Saved #").contains("30.0 MiB");
		assertThat(paste.err()).doesNotContain("Downloading");
		assertThat(sha256(saved)).isEqualTo(sha256(file));

		// a download that broke off after 12 MiB left them in the part file: only the
		// rest is fetched. Its bytes are made wrong here, so a download that ignored them
		// (and fetched all) would pass, while one that resumes fails its digest.
		Path again = this.files.resolve("again.bin");
		Path part = this.files.resolve("again.bin.part");
		Files.write(part, new byte[12 * MIB]);
		Cli.Result wrongPrefix = cli.run(null, "--profile", "phone", "paste", "-o", again.toString())
			.expect(Exit.FAILED);
		assertThat(wrongPrefix.err()).contains("the partial download was removed")
			.contains("run the same command again");
		assertThat(part).doesNotExist();
		assertThat(again).doesNotExist();

		// the right first 12 MiB: resumed, and the whole file is the original
		try (InputStream in = Files.newInputStream(file)) {
			Files.write(part, in.readNBytes(12 * MIB));
		}
		cli.run(null, "--profile", "phone", "paste", "-o", again.toString()).expect(0);
		assertThat(sha256(again)).isEqualTo(sha256(file));
		assertThat(part).doesNotExist();
	}

	@Test
	void aFileIsTypedByItsNameOrItsFirstBytesAndBadFilesAreRefusedClearly() throws Exception {
		Cli cli = signedInPair();
		Path png = this.files.resolve("screenshot-without-extension");
		java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(40, 30,
				java.awt.image.BufferedImage.TYPE_INT_RGB);
		image.setRGB(3, 4, 0xff8800);
		javax.imageio.ImageIO.write(image, "png", png.toFile());
		long seq = CliEndToEndIT.json
			.readTree(cli.run(null, "--profile", "laptop", "--json", "push", "--file", png.toString()).expect(0).out())
			.get("seq")
			.asLong();
		JsonNode clip = CliEndToEndIT.json.readTree(
				cli.run(null, "--profile", "phone", "--json", "paste", "--seq", Long.toString(seq)).expect(0).out());
		assertThat(clip.get("mime").asString()).isEqualTo("image/png");
		assertThat(clip.get("encoding").asString()).isEqualTo("base64");
		assertThat(clip.get("data").asString()).isNotEmpty();
		Path copy = this.files.resolve("copy.png");
		cli.run(null, "--profile", "phone", "paste", "--seq", Long.toString(seq), "-o", copy.toString()).expect(0);
		assertThat(Files.readAllBytes(copy)).isEqualTo(Files.readAllBytes(png));

		cli.run(null, "--profile", "laptop", "push", "inline text").expect(0);
		Path text = this.files.resolve("text.txt");
		cli.run(null, "--profile", "phone", "paste", "-o", text.toString()).expect(0);
		assertThat(Files.readString(text)).isEqualTo("inline text");

		assertThat(cli.run(null, "--profile", "laptop", "push", "--file", this.files.resolve("nope.txt").toString())
			.expect(Exit.USAGE)
			.err()).contains("no such file: ").contains("nope.txt");

		Path tooBig = this.files.resolve("too-big.iso");
		try (RandomAccessFile sparse = new RandomAccessFile(tooBig.toFile(), "rw")) {
			sparse.setLength(33L * MIB);
		}
		assertThat(cli.run(null, "--profile", "laptop", "push", "--file", tooBig.toString()).expect(Exit.REFUSED).err())
			.contains("too-big.iso is too big (33.0 MiB): the server takes files up to 32.0 MiB");

		// the fleet's quota is 40 MiB
		Path first = randomFile("first.bin", 25 * MIB);
		cli.run(null, "--profile", "laptop", "push", "--file", first.toString()).expect(0);
		assertThat(cli.run(null, "--profile", "laptop", "push", "--file", first.toString()).expect(Exit.REFUSED).err())
			.contains("no room left for")
			.contains("first.bin");

		assertThat(cli.run(null, "--profile", "phone", "paste", "--seq", "999999").expect(Exit.REFUSED).err())
			.contains("no clip #999999");
	}

	private Cli signedInPair() {
		Cli cli = new Cli(this.config);
		String email = "files-" + UUID.randomUUID() + "@example.com";
		String server = fleet.server().toString();
		cli.run(CliEndToEndIT.PASSWORD + "\n", "--profile", "laptop", "register", "--server", server, "--email", email,
				"--device", "Laptop", "--password-stdin")
			.expect(0);
		cli.run(CliEndToEndIT.PASSWORD + "\n", "--profile", "phone", "login", "--server", server, "--email", email,
				"--device", "Phone", "--password-stdin")
			.expect(0);
		return cli;
	}

	private Path randomFile(String name, long size) throws Exception {
		Path file = this.files.resolve(name);
		Random random = new Random(size);
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

}
