package dev.clipsync.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.clipsync.client.Clip;
import dev.clipsync.client.ClipSync;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "paste",
		description = { "Print the newest clip (or clip --seq N) to standard output, or write it to a file.",
				"A file or image pushed by reference is downloaded with -o PATH (a progress bar on a terminal); "
						+ "a download that broke off resumes from PATH.part when the same command runs again." })
final class PasteCommand extends Base {

	@Option(names = { "-o", "--output" }, paramLabel = "PATH",
			description = "Write the clip's content to this file (replaced if it exists).")
	Path output;

	@Option(names = "--seq", paramLabel = "N", description = "This clip instead of the newest.")
	Long seq;

	@Override
	public Integer call() throws IOException {
		ClipSync client = client();
		Optional<Clip> found = find(client);
		if (found.isEmpty()) {
			if (this.seq != null) {
				throw new UserError(Exit.REFUSED, "no clip #" + this.seq + " (deleted, expired, or not yet pushed)");
			}
			if (json()) {
				printJson(null);
			}
			else {
				err().println("clipsync: no clips yet");
			}
			return Exit.OK;
		}
		Clip clip = found.get();
		if (json() && this.output == null) {
			printJson(ClipView.of(clip, null));
			return Exit.OK;
		}
		if (clip.locked()) {
			throw new UserError(Exit.AUTH, "clip #" + clip.seq() + " is end-to-end encrypted with a passphrase this "
					+ "device does not have: run 'clipsync e2e enable' with your passphrase");
		}
		if (this.output == null) {
			if (clip.blob() != null) {
				throw new UserError(Exit.USAGE,
						"clip #" + clip.seq() + " is a file (" + clip.mime() + ", "
								+ TransferBar.size(clip.blob().size()) + "): save it with 'clipsync paste"
								+ ((this.seq != null) ? " --seq " + this.seq : "") + " -o PATH'");
			}
			out().flush();
			System.out.write(clip.bytes());
			System.out.flush();
			return Exit.OK;
		}
		long size = save(client, clip);
		if (json()) {
			Map<String, Object> saved = new LinkedHashMap<>();
			saved.put("seq", clip.seq());
			saved.put("path", this.output.toAbsolutePath().toString());
			saved.put("mime", clip.mime());
			saved.put("size", size);
			if (clip.blob() != null) {
				saved.put("sha256", clip.blob().sha256());
			}
			printJson(saved);
		}
		else {
			out().println("Saved #" + clip.seq() + " (" + clip.mime() + ", " + TransferBar.size(size) + ") to "
					+ this.output + ".");
		}
		return Exit.OK;
	}

	private Optional<Clip> find(ClipSync client) {
		if (this.seq == null) {
			return client.latest();
		}
		if (this.seq < 1) {
			throw new UserError(Exit.USAGE, "--seq must be 1 or more");
		}
		List<Clip> clips = client.history(this.seq - 1, 1).clips();
		return clips.stream().filter((clip) -> clip.seq() == this.seq).findFirst();
	}

	/**
	 * @return the bytes written
	 */
	private long save(ClipSync client, Clip clip) throws IOException {
		Path parent = this.output.toAbsolutePath().getParent();
		if (parent != null && !Files.isDirectory(parent)) {
			throw new UserError(Exit.USAGE, "no such folder: " + parent);
		}
		if (clip.blob() == null) {
			Files.write(this.output, clip.bytes());
			return Files.size(this.output);
		}
		// Ctrl-C leaves the part file; say how to go on
		Thread hint = new Thread(
				() -> System.err.println("\nclipsync: interrupted; run the same command again to resume the download"));
		Runtime.getRuntime().addShutdownHook(hint);
		try (TransferBar bar = new TransferBar("Downloading")) {
			client.download(clip, this.output, bar);
		}
		finally {
			try {
				Runtime.getRuntime().removeShutdownHook(hint);
			}
			catch (IllegalStateException ex) {
				// shutting down already: the hint is on its way
			}
		}
		return clip.blob().size();
	}

}
