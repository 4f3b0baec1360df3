package dev.clipsync.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import dev.clipsync.client.ClipSync;
import dev.clipsync.client.profile.Profile;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** What every subcommand shares: the profile, the signed-in client and output. */
abstract class Base implements Callable<Integer> {

	static final JsonMapper json = JsonMapper.builder().disable(SerializationFeature.INDENT_OUTPUT).build();

	@Spec
	CommandSpec spec;

	Clipsync root() {
		return (Clipsync) this.spec.root().userObject();
	}

	boolean json() {
		return root().json;
	}

	Profile profile() {
		try {
			return Profile.open(Profile.defaultRoot(), root().profile);
		}
		catch (IllegalArgumentException ex) {
			throw new UserError(Exit.USAGE, ex.getMessage());
		}
	}

	ClipSync client() {
		return ClipSync.open(profile());
	}

	PrintWriter out() {
		return this.spec.commandLine().getOut();
	}

	PrintWriter err() {
		return this.spec.commandLine().getErr();
	}

	/** One JSON document on one line. */
	void printJson(Object value) {
		out().println(json.writeValueAsString(value));
		out().flush();
	}

}
