package dev.clipsync.cli.agent;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A real X display (Xvfb) and its clipboard, driven with xclip as a user's programs
 * would.
 */
final class Display implements AutoCloseable {

	private final Process xvfb;

	final String name;

	private Display(Process xvfb, String name) {
		this.xvfb = xvfb;
		this.name = name;
	}

	static Display start() throws IOException {
		// -displayfd: Xvfb picks a free display number and says which
		Process xvfb = new ProcessBuilder("Xvfb", "-displayfd", "1", "-screen", "0", "640x480x24", "-nolisten", "tcp")
			.redirectError(ProcessBuilder.Redirect.DISCARD)
			.start();
		BufferedReader reader = new BufferedReader(
				new InputStreamReader(xvfb.getInputStream(), StandardCharsets.US_ASCII));
		String number = reader.readLine();
		if (number == null) {
			throw new IllegalStateException("Xvfb did not start (is the xvfb package installed? .ci/run installs it)");
		}
		return new Display(xvfb, ":" + number.trim());
	}

	/**
	 * Copy text to the clipboard with xclip, which serves it until another program
	 * copies.
	 */
	void copy(String text) throws Exception {
		Process xclip = xclip("-selection", "clipboard", "-i");
		xclip.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
		xclip.getOutputStream().close();
		// xclip forks a child that serves the selection; the parent exits
		xclip.waitFor(10, TimeUnit.SECONDS);
	}

	/** Offer bytes under one target (image/png, text/uri-list), as a program would. */
	void copy(String target, byte[] bytes) throws Exception {
		Process xclip = xclip("-selection", "clipboard", "-t", target, "-i");
		xclip.getOutputStream().write(bytes);
		xclip.getOutputStream().close();
		xclip.waitFor(10, TimeUnit.SECONDS);
	}

	/** The clipboard's bytes under one target, or null when it is not offered. */
	byte[] paste(String target) throws Exception {
		Process xclip = xclip("-selection", "clipboard", "-o", "-t", target);
		byte[] bytes = xclip.getInputStream().readAllBytes();
		return (xclip.waitFor() == 0) ? bytes : null;
	}

	/** The clipboard's text, or null when nothing is there. */
	String paste() throws Exception {
		Process xclip = xclip("-selection", "clipboard", "-o");
		String text = new String(xclip.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		return (xclip.waitFor() == 0) ? text : null;
	}

	/** The clipboard's targets (the formats it is offered in). */
	String targets() throws Exception {
		Process xclip = xclip("-selection", "clipboard", "-o", "-t", "TARGETS");
		String text = new String(xclip.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		xclip.waitFor();
		return text;
	}

	private Process xclip(String... args) throws IOException {
		String[] command = new String[args.length + 1];
		command[0] = "xclip";
		System.arraycopy(args, 0, command, 1, args.length);
		ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
		builder.environment().put("DISPLAY", this.name);
		return builder.start();
	}

	@Override
	public void close() {
		this.xvfb.destroy();
		try {
			this.xvfb.waitFor(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
