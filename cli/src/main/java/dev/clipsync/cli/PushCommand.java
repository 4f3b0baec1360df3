package dev.clipsync.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.clipsync.client.Ack;
import dev.clipsync.client.ClipSync;
import dev.clipsync.client.ClipSyncException;
import dev.clipsync.client.Draft;
import dev.clipsync.client.SyncListener;
import dev.clipsync.client.SyncSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "push",
		description = { "Copy text (or standard input) to your other devices.",
				"The clip is kept in this profile's outbox until the server stored it, so nothing is lost "
						+ "if the server or this command goes away first: the next clipsync command sends it again." })
final class PushCommand extends Base {

	@Parameters(arity = "0..1", paramLabel = "TEXT", description = "What to push; standard input when absent.")
	String text;

	@Option(names = "--mime", defaultValue = "text/plain",
			description = "Its mime type (default: ${DEFAULT-VALUE}); non-text types are sent as bytes.")
	String mime;

	@Option(names = "--sensitive", description = "A password or code: receivers clear it from the clipboard soon.")
	boolean sensitive;

	@Option(names = "--timeout", defaultValue = "30s",
			description = "How long to wait for the server to store it (default: ${DEFAULT-VALUE}).",
			converter = DurationConverter.class)
	Duration timeout;

	@Override
	public Integer call() throws Exception {
		Draft draft = draft();
		ClipSync client = client();
		SyncSession.State[] last = { SyncSession.State.CONNECTING };
		String[] why = { "" };
		try (SyncSession session = client.connect(new SyncListener() {
			@Override
			public void state(SyncSession.State state, String detail) {
				last[0] = state;
				why[0] = detail;
			}
		}, false)) {
			UUID id = session.push(draft);
			Ack ack;
			try {
				ack = session.acked(id).get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (java.util.concurrent.TimeoutException ex) {
				throw new UserError(Exit.PENDING, "not stored yet (" + why[0]
						+ "): the clip waits in the outbox and the next clipsync command sends it");
			}
			catch (java.util.concurrent.ExecutionException ex) {
				if (ex.getCause() instanceof ClipSyncException refused) {
					throw refused;
				}
				throw ex;
			}
			// older pushes that waited in the outbox go out in the same session
			long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
			while (!session.outboxEmpty() && System.nanoTime() < deadline
					&& session.state() == SyncSession.State.CONNECTED) {
				Thread.sleep(50);
			}
			if (json()) {
				printJson(Map.of("id", ack.id(), "seq", ack.seq(), "duplicate", ack.duplicate()));
			}
			else {
				out().printf("Pushed (#%d).%n", ack.seq());
			}
			return Exit.OK;
		}
	}

	private Draft draft() throws IOException {
		boolean textual = this.mime.startsWith("text/");
		if (this.text != null) {
			if (!textual) {
				throw new UserError(Exit.USAGE,
						"a " + this.mime + " clip comes from standard input, not the command line");
			}
			return new Draft(this.mime, "utf8", this.text, this.sensitive);
		}
		if (System.console() != null && System.in.available() == 0 && isTerminalInput()) {
			throw new UserError(Exit.USAGE,
					"nothing to push: give TEXT, or pipe something in (echo hi | clipsync push)");
		}
		byte[] bytes = System.in.readAllBytes();
		if (bytes.length == 0) {
			throw new UserError(Exit.USAGE, "nothing to push: standard input was empty");
		}
		return textual ? new Draft(this.mime, "utf8", new String(bytes, StandardCharsets.UTF_8), this.sensitive)
				: Draft.bytes(this.mime, bytes).sensitive(this.sensitive);
	}

	private static boolean isTerminalInput() {
		return System.console() != null && System.console().isTerminal();
	}

}
