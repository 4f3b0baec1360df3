package dev.clipsync.cli;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The installed launcher itself, apart from what its commands do. */
class LauncherIT {

	@TempDir
	Path home;

	@Test
	void profilesLiveUnderTheHomeFolderTheEnvironmentNames() {
		Cli.Result status = Cli.inHome(this.home).run(null, "--profile", "laptop", "status").expect(4);
		assertThat(status.err()).contains("profile 'laptop' is not signed in");
		assertThat(this.home.resolve(".config/clipsync/profiles/laptop")).isDirectory();
	}

}
