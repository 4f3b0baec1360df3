package dev.clipsync.cli.agent;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.clipsync.cli.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code clipsync agent --install}, run through the installed launcher. */
class StartAtLoginIT {

	@TempDir
	Path config;

	@Test
	void installWritesASystemdUserUnitThatRunsThisLauncherWithTheProfile() throws Exception {
		Cli cli = new Cli(this.config).with("XDG_CONFIG_HOME", this.config.resolve("xdg").toString());
		Cli.Result installed = cli.run(null, "--profile", "work", "agent", "--install").expect(0);
		Path unit = this.config.resolve("xdg/systemd/user/clipsync-agent-work.service");
		assertThat(installed.out()).contains("wrote " + unit);
		assertThat(Files.readString(unit))
			.contains("ExecStart=" + Cli.launcher().toAbsolutePath() + " --profile work agent")
			.contains("Restart=on-failure")
			.contains("WantedBy=graphical-session.target");
	}

}
