package dev.clipsync.cli.agent;

import java.awt.Toolkit;

/**
 * What a password manager does on X11: offer text together with the
 * {@code x-kde-passwordManagerHint} target saying {@code secret}. Runs in a process of
 * its own on the display given by DISPLAY, holding the clipboard until killed.
 */
public final class OfferConcealed {

	private OfferConcealed() {
	}

	public static void main(String[] args) throws InterruptedException {
		Toolkit.getDefaultToolkit()
			.getSystemClipboard()
			.setContents(new AwtClipboard.Content(args[0], true), (clipboard, contents) -> {
			});
		System.out.println("offered");
		System.out.flush();
		Thread.sleep(Long.MAX_VALUE);
	}

}
