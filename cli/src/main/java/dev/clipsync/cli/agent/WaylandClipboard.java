package dev.clipsync.cli.agent;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * The Wayland clipboard through wl-clipboard: {@code wl-paste --watch} reports each new
 * selection, {@code wl-copy --foreground} serves what the agent applies. That wl-copy
 * stays alive exactly as long as it owns the selection, which is what attributes changes:
 * while it runs, every change is the agent's own.
 */
final class WaylandClipboard implements ClipboardBackend {

	private @Nullable Process watcher;

	private volatile @Nullable Process serving;

	private volatile @Nullable String holding;

	static boolean available() {
		return System.getenv("WAYLAND_DISPLAY") != null && onPath("wl-paste") && onPath("wl-copy");
	}

	static boolean onPath(String program) {
		String path = System.getenv("PATH");
		if (path == null) {
			return false;
		}
		for (String dir : path.split(java.io.File.pathSeparator)) {
			if (java.nio.file.Files.isExecutable(java.nio.file.Path.of(dir, program))) {
				return true;
			}
		}
		return false;
	}

	@Override
	public String name() {
		return "Wayland clipboard (wl-clipboard)";
	}

	@Override
	public void watch(Consumer<Copied> onCopy) {
		try {
			// one line per new selection; the first is the selection at start, not a copy
			Process process = new ProcessBuilder("wl-paste", "--watch", "echo", "changed").redirectErrorStream(true)
				.start();
			this.watcher = process;
			Thread.ofPlatform().name("wl-paste-watch").daemon().start(() -> {
				try (BufferedReader lines = new BufferedReader(
						new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
					boolean first = true;
					while (lines.readLine() != null) {
						if (first) {
							first = false;
							continue;
						}
						if (this.serving != null && this.serving.isAlive()) {
							continue;
						}
						this.holding = null;
						List<String> types = run("wl-paste", "--list-types");
						if (types.stream()
							.noneMatch((type) -> type.startsWith("text/plain") || type.equals("UTF8_STRING")
									|| type.equals("STRING") || type.equals("TEXT"))) {
							continue;
						}
						String text = String.join("\n", run("wl-paste", "--no-newline", "--type", "text/plain"));
						boolean concealed = types.contains(AwtClipboard.KDE_HINT_TARGET) && String
							.join("", run("wl-paste", "--no-newline", "--type", AwtClipboard.KDE_HINT_TARGET))
							.trim()
							.equals("secret");
						onCopy.accept(new Copied(text, concealed));
					}
				}
				catch (IOException ex) {
					// wl-paste ended: the session is going away
				}
			});
		}
		catch (IOException ex) {
			throw new IllegalStateException("cannot run wl-paste: " + ex.getMessage(), ex);
		}
	}

	@Override
	public void apply(String text, boolean concealed, String clipId) {
		Process previous = this.serving;
		try {
			// wl-copy offers one type per process; a concealed clip is offered as text
			// only, and cleared after the TTL like any sensitive clip
			Process copy = new ProcessBuilder("wl-copy", "--foreground", "--type", "text/plain;charset=utf-8")
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
			try (OutputStream in = copy.getOutputStream()) {
				in.write(text.getBytes(StandardCharsets.UTF_8));
			}
			this.holding = clipId;
			this.serving = copy;
		}
		catch (IOException ex) {
			throw new IllegalStateException("cannot run wl-copy: " + ex.getMessage(), ex);
		}
		if (previous != null) {
			previous.destroy();
		}
	}

	@Override
	public @Nullable String holding() {
		Process copy = this.serving;
		return (copy != null && copy.isAlive()) ? this.holding : null;
	}

	@Override
	public void clearIfHolding(String clipId) {
		if (Objects.equals(holding(), clipId)) {
			try {
				new ProcessBuilder("wl-copy", "--clear").start().waitFor();
			}
			catch (IOException ex) {
				// nothing more to do
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private static List<String> run(String... command) throws IOException {
		Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
		List<String> lines = new ArrayList<>();
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				lines.add(line);
			}
		}
		return lines;
	}

	@Override
	public void close() {
		if (this.watcher != null) {
			this.watcher.destroy();
		}
		Process copy = this.serving;
		if (copy != null) {
			copy.destroy();
		}
	}

}
