package dev.clipsync.client.profile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ProfileTest {

	@TempDir
	Path root;

	@Test
	void filesAreReadableByTheUserOnly() throws Exception {
		Profile profile = Profile.open(this.root, "work");
		profile.write("tokens.json", "{\"refreshToken\":\"secret\"}");
		assertThat(PosixFilePermissions
			.toString(Files.getPosixFilePermissions(profile.directory().resolve("tokens.json"))))
			.isEqualTo("rw-------");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(profile.directory())))
			.isEqualTo("rwx------");
		assertThat(profile.read("tokens.json")).contains("{\"refreshToken\":\"secret\"}");
		assertThat(profile.read("missing")).isEmpty();
		try (var files = Files.list(profile.directory())) {
			assertThat(files.map((file) -> file.getFileName().toString())).noneMatch((name) -> name.endsWith(".tmp"));
		}
	}

	@Test
	void readModifyWriteUnderTheLockLosesNoUpdate() throws Exception {
		Profile profile = Profile.open(this.root, "counter");
		profile.write("n", "0");
		try (ExecutorService threads = Executors.newFixedThreadPool(8)) {
			List<Future<?>> done = new ArrayList<>();
			for (int i = 0; i < 200; i++) {
				done.add(threads.submit(() -> profile.locked(() -> {
					int n = Integer.parseInt(profile.read("n").orElseThrow());
					profile.write("n", Integer.toString(n + 1));
					return null;
				})));
			}
			for (Future<?> future : done) {
				future.get();
			}
		}
		assertThat(profile.read("n")).contains("200");
	}

	@Test
	void aNameThatCannotBeAFolderIsRefusedWithTheRule() {
		assertThatIllegalArgumentException().isThrownBy(() -> Profile.open(this.root, "../escape"))
			.withMessageContaining("use letters, digits");
	}

}
