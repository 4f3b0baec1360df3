package dev.clipsync.cli.agent;

import java.awt.GraphicsEnvironment;
import java.awt.Toolkit;
import java.awt.datatransfer.Clipboard;
import java.awt.datatransfer.ClipboardOwner;
import java.awt.datatransfer.DataFlavor;
import java.awt.datatransfer.SystemFlavorMap;
import java.awt.datatransfer.Transferable;
import java.awt.datatransfer.UnsupportedFlavorException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * The system clipboard through AWT (X11, macOS, Windows). AWT tells an owner when it
 * loses the clipboard, which is what attributes changes: while this agent owns the
 * clipboard, nothing is read at all; once it lost it, the clipboard is read every
 * {@code pollInterval} and a new content (or any new copy after losing ownership) is
 * reported. KDE's {@code x-kde-passwordManagerHint} target marks concealed content.
 */
final class AwtClipboard implements ClipboardBackend {

	/** The target password managers add on X11 (KDE, KeePassXC). */
	static final String KDE_HINT_TARGET = "x-kde-passwordManagerHint";

	static final DataFlavor KDE_HINT = kdeHintFlavor();

	private final Clipboard clipboard;

	private final Duration pollInterval;

	private final ScheduledExecutorService poller = Executors
		.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("clipboard-poll").daemon().factory());

	/** The applied clip the clipboard holds, or null when another program owns it. */
	private volatile @Nullable String holding;

	/**
	 * Another program took the clipboard since the last read: report even an equal text.
	 */
	private volatile boolean tookOver;

	private @Nullable String lastSeen;

	AwtClipboard(Duration pollInterval) {
		if (GraphicsEnvironment.isHeadless()) {
			throw new IllegalStateException("no display: the agent needs a desktop session (DISPLAY is not set)");
		}
		this.clipboard = Toolkit.getDefaultToolkit().getSystemClipboard();
		this.pollInterval = pollInterval;
	}

	@Override
	public String name() {
		return "X11/AWT clipboard";
	}

	@Override
	public void watch(Consumer<Copied> onCopy) {
		// what is there when the agent starts was copied before: not pushed
		this.lastSeen = readText();
		this.poller.scheduleWithFixedDelay(() -> poll(onCopy), this.pollInterval.toMillis(),
				this.pollInterval.toMillis(), TimeUnit.MILLISECONDS);
	}

	private void poll(Consumer<Copied> onCopy) {
		try {
			if (this.holding != null) {
				// ours: whatever the platform made of our bytes is not a copy by the user
				return;
			}
			String text = readText();
			if (text == null) {
				return;
			}
			boolean fresh = this.tookOver || !text.equals(this.lastSeen);
			this.tookOver = false;
			this.lastSeen = text;
			if (fresh) {
				onCopy.accept(new Copied(text, concealed()));
			}
		}
		catch (RuntimeException ex) {
			// the owner went away mid-read, or the display hiccuped: next tick
		}
	}

	private @Nullable String readText() {
		try {
			if (!this.clipboard.isDataFlavorAvailable(DataFlavor.stringFlavor)) {
				return null;
			}
			return (String) this.clipboard.getData(DataFlavor.stringFlavor);
		}
		catch (UnsupportedFlavorException | IOException | IllegalStateException ex) {
			return null;
		}
	}

	private boolean concealed() {
		try {
			if (!this.clipboard.isDataFlavorAvailable(KDE_HINT)) {
				return false;
			}
			try (InputStream hint = (InputStream) this.clipboard.getData(KDE_HINT)) {
				return "secret".equals(new String(hint.readAllBytes(), StandardCharsets.UTF_8).trim());
			}
		}
		catch (UnsupportedFlavorException | IOException | RuntimeException ex) {
			return false;
		}
	}

	@Override
	public void apply(String text, boolean concealed, String clipId) {
		this.holding = clipId;
		this.clipboard.setContents(new Content(text, concealed), owner(clipId));
		this.lastSeen = text;
	}

	/**
	 * An owner per applied clip: AWT tells it (later, on its event thread) when another
	 * program took the clipboard, and a late notice about an earlier clip must not
	 * release a newer one.
	 */
	private ClipboardOwner owner(String clipId) {
		return (clipboard, contents) -> {
			if (Objects.equals(this.holding, clipId)) {
				this.holding = null;
				this.tookOver = true;
			}
		};
	}

	@Override
	public @Nullable String holding() {
		return this.holding;
	}

	@Override
	public void clearIfHolding(String clipId) {
		if (Objects.equals(this.holding, clipId)) {
			String cleared = "cleared:" + clipId;
			this.holding = cleared;
			this.clipboard.setContents(new Content("", false), owner(cleared));
			this.lastSeen = "";
		}
	}

	@Override
	public void close() {
		this.poller.shutdownNow();
	}

	private static DataFlavor kdeHintFlavor() {
		try {
			DataFlavor flavor = new DataFlavor("application/x-kde-passwordmanagerhint;class=java.io.InputStream");
			SystemFlavorMap map = (SystemFlavorMap) SystemFlavorMap.getDefaultFlavorMap();
			map.addUnencodedNativeForFlavor(flavor, KDE_HINT_TARGET);
			map.addFlavorForUnencodedNative(KDE_HINT_TARGET, flavor);
			return flavor;
		}
		catch (ClassNotFoundException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Text, and the password-manager hint when the clip is sensitive. */
	static final class Content implements Transferable {

		private final String text;

		private final boolean concealed;

		Content(String text, boolean concealed) {
			this.text = text;
			this.concealed = concealed;
		}

		@Override
		public DataFlavor[] getTransferDataFlavors() {
			List<DataFlavor> flavors = new ArrayList<>(List.of(DataFlavor.stringFlavor));
			if (this.concealed) {
				flavors.add(KDE_HINT);
			}
			return flavors.toArray(DataFlavor[]::new);
		}

		@Override
		public boolean isDataFlavorSupported(DataFlavor flavor) {
			return DataFlavor.stringFlavor.equals(flavor) || (this.concealed && KDE_HINT.equals(flavor));
		}

		@Override
		public Object getTransferData(DataFlavor flavor) throws UnsupportedFlavorException {
			if (DataFlavor.stringFlavor.equals(flavor)) {
				return this.text;
			}
			if (this.concealed && KDE_HINT.equals(flavor)) {
				return new ByteArrayInputStream("secret".getBytes(StandardCharsets.UTF_8));
			}
			throw new UnsupportedFlavorException(flavor);
		}

	}

}
