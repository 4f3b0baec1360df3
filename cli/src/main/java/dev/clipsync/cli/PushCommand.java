package dev.clipsync.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
		description = { "Copy text (or standard input, or a file) to your other devices.",
				"The clip is kept in this profile's outbox until the server stored it, so nothing is lost "
						+ "if the server or this command goes away first: the next clipsync command sends it again.",
				"With --file the file is uploaded first (up to the server's limit, 32 MiB by default) and the "
						+ "clip refers to it; other devices fetch it when needed (clipsync paste -o PATH)." })
final class PushCommand extends Base {

	@Parameters(arity = "0..1", paramLabel = "TEXT", description = "What to push; standard input when absent.")
	String text;

	@Option(names = "--mime", defaultValue = "text/plain",
			description = "Its mime type (default: ${DEFAULT-VALUE}, or detected for --file); non-text types "
					+ "are sent as bytes.")
	String mime;

	@Option(names = "--file", paramLabel = "PATH",
			description = "Push this file by reference: uploaded with a progress bar on a terminal; an image "
					+ "gets a small inline preview.")
	Path file;

	@Option(names = "--sensitive", description = "A password or code: receivers clear it from the clipboard soon.")
	boolean sensitive;

	@Option(names = "--timeout", defaultValue = "30s",
			description = "How long to wait for the server to store it (default: ${DEFAULT-VALUE}).",
			converter = DurationConverter.class)
	Duration timeout;

	@Override
	public Integer call() throws Exception {
		if (this.file != null && this.text != null) {
			throw new UserError(Exit.USAGE, "give TEXT or --file, not both");
		}
		ClipSync client = client();
		Draft draft = (this.file != null) ? upload(client) : draft();
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
				out().println(((this.file != null) ? "Pushed " + this.file.getFileName() : "Pushed") + " (#" + ack.seq()
						+ ").");
			}
			return Exit.OK;
		}
	}

	private Draft upload(ClipSync client) throws IOException {
		if (!Files.isRegularFile(this.file)) {
			throw new UserError(Exit.USAGE,
					Files.exists(this.file) ? this.file + " is not a file" : "no such file: " + this.file);
		}
		if (!Files.isReadable(this.file)) {
			throw new UserError(Exit.USAGE, "cannot read " + this.file + ": permission denied");
		}
		String type = this.spec.commandLine().getParseResult().hasMatchedOption("--mime") ? this.mime
				: FileType.of(this.file);
		try (TransferBar bar = new TransferBar("Uploading")) {
			return client.upload(this.file, type, bar).sensitive(this.sensitive);
		}
		catch (ClipSyncException ex) {
			throw switch (ex.code()) {
				case "too_large" -> new UserError(Exit.REFUSED, this.file + " is too big ("
						+ TransferBar.size(Files.size(this.file)) + "): the server takes files up to " + limit(ex));
				case "quota_exceeded" ->
					new UserError(Exit.REFUSED, "no room left for " + this.file + " on the server: " + ex.getMessage());
				default -> ex;
			};
		}
	}

	/** The limit the server named in its refusal, in MiB when it gave bytes. */
	private static String limit(ClipSyncException ex) {
		Matcher bytes = Pattern.compile("(\\d{4,})").matcher(String.valueOf(ex.getMessage()));
		return bytes.find() ? TransferBar.size(Long.parseLong(bytes.group(1))) : "its limit (" + ex.getMessage() + ")";
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
