package dev.clipsync.cli;

import java.io.IOException;
import java.util.Optional;

import dev.clipsync.client.Clip;
import picocli.CommandLine.Command;

@Command(name = "paste", description = "Print the newest clip to standard output.")
final class PasteCommand extends Base {

	@Override
	public Integer call() throws IOException {
		Optional<Clip> latest = client().latest();
		if (latest.isEmpty()) {
			if (json()) {
				printJson(null);
			}
			else {
				err().println("clipsync: no clips yet");
			}
			return Exit.OK;
		}
		Clip clip = latest.get();
		if (json()) {
			printJson(ClipView.of(clip, null));
			return Exit.OK;
		}
		if (clip.locked()) {
			throw new UserError(Exit.AUTH, "the newest clip is end-to-end encrypted with a passphrase this device "
					+ "does not have: run 'clipsync e2e enable' with your passphrase");
		}
		out().flush();
		System.out.write(clip.bytes());
		System.out.flush();
		return Exit.OK;
	}

}
