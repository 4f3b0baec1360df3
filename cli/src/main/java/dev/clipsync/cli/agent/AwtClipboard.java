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
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
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
 * Images travel as the exact {@code image/png} bytes the copying program offers (never
 * decoded and encoded again), files as AWT's file list ({@code text/uri-list} on X11).
 */
final class AwtClipboard implements ClipboardBackend {

	/** The target password managers add on X11 (KDE, KeePassXC). */
	static final String KDE_HINT_TARGET = "x-kde-passwordManagerHint";

	static final DataFlavor KDE_HINT = rawFlavor("application/x-kde-passwordmanagerhint", KDE_HINT_TARGET);

	/** The raw bytes of the {@code image/png} target. */
	static final DataFlavor PNG = rawFlavor("image/png", "image/png");

	/**
	 * An image on the clipboard is read again at most this often unless its owner or its
	 * targets changed: the owner may replace one image with another, and reading a large
	 * one every poll would cost more than an idle agent may.
	 */
	private static final Duration IMAGE_RECHECK = Duration.ofSeconds(2);

	private final Clipboard clipboard;

	private final Duration pollInterval;

	/**
	 * Held by a poll from its first look at {@link #holding} to its last comparison, and
	 * by every apply: a clip applied between the two would make the poll take the
	 * clipboard's previous content for a new copy and push it again.
	 */
	private final Object lock = new Object();

	private final ScheduledExecutorService poller = Executors
		.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("clipboard-poll").daemon().factory());

	/** The applied clip the clipboard holds, or null when another program owns it. */
	private volatile @Nullable String holding;

	/**
	 * Another program took the clipboard since the last read: report even an equal text.
	 */
	private volatile boolean tookOver;

	private @Nullable String lastSeen;

	private Set<DataFlavor> lastFlavors = Set.of();

	private @Nullable String lastImage;

	private long lastImageRead;

	private List<Path> lastFiles = List.of();

	private final boolean xclip = WaylandClipboard.onPath("xclip");

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
		synchronized (this.lock) {
			read();
		}
		this.poller.scheduleWithFixedDelay(() -> poll(onCopy), this.pollInterval.toMillis(),
				this.pollInterval.toMillis(), TimeUnit.MILLISECONDS);
	}

	private void poll(Consumer<Copied> onCopy) {
		Copied copied;
		synchronized (this.lock) {
			copied = read();
		}
		// Outside the lock: sending an image or files may take a while, and a clip
		// arriving meanwhile must not wait for it.
		if (copied != null) {
			onCopy.accept(copied);
		}
	}

	/** A new copy by another program since the last read, or null. */
	private @Nullable Copied read() {
		try {
			if (this.holding != null) {
				// ours: whatever the platform made of our bytes is not a copy by the user
				return null;
			}
			Set<DataFlavor> flavors = new HashSet<>(Arrays.asList(this.clipboard.getAvailableDataFlavors()));
			boolean changed = this.tookOver || !flavors.equals(this.lastFlavors);
			this.lastFlavors = flavors;
			if (flavors.contains(PNG)) {
				return readImage(changed);
			}
			this.lastImage = null;
			if (flavors.contains(DataFlavor.javaFileListFlavor)) {
				List<Path> files = readFiles();
				if (files != null && !files.isEmpty()) {
					this.tookOver = false;
					boolean fresh = changed || !files.equals(this.lastFiles);
					this.lastFiles = files;
					this.lastSeen = null;
					return fresh ? Copied.files(files) : null;
				}
			}
			this.lastFiles = List.of();
			String text = readText();
			if (text == null) {
				return null;
			}
			boolean fresh = this.tookOver || !text.equals(this.lastSeen);
			this.tookOver = false;
			this.lastSeen = text;
			return fresh ? new Copied(text, concealed()) : null;
		}
		catch (RuntimeException ex) {
			// the owner went away mid-read, or the display hiccuped: next tick
			return null;
		}
	}

	private @Nullable Copied readImage(boolean changed) {
		long now = System.nanoTime();
		if (!changed && this.lastImage != null && now - this.lastImageRead < IMAGE_RECHECK.toNanos()) {
			return null;
		}
		this.lastImageRead = now;
		byte[] png = readPng();
		if (png == null) {
			return null;
		}
		String digest = digest(png);
		boolean fresh = this.tookOver || !digest.equals(this.lastImage);
		this.tookOver = false;
		this.lastImage = digest;
		this.lastSeen = null;
		return fresh ? Copied.image(png) : null;
	}

	/**
	 * Through xclip when it is installed: AWT cannot read an incremental (INCR) transfer
	 * that does not announce its length, which is how xclip and some other programs serve
	 * anything over about 256 KiB.
	 */
	private byte @Nullable [] readPng() {
		if (this.xclip) {
			try {
				Process xclip = new ProcessBuilder("xclip", "-selection", "clipboard", "-o", "-t", "image/png")
					.redirectError(ProcessBuilder.Redirect.DISCARD)
					.start();
				xclip.getOutputStream().close();
				byte[] png = xclip.getInputStream().readAllBytes();
				return (xclip.waitFor(10, TimeUnit.SECONDS) && xclip.exitValue() == 0 && png.length > 0) ? png : null;
			}
			catch (IOException ex) {
				return null;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return null;
			}
		}
		try (InputStream png = (InputStream) this.clipboard.getData(PNG)) {
			return png.readAllBytes();
		}
		catch (UnsupportedFlavorException | IOException | IllegalStateException ex) {
			return null;
		}
	}

	private @Nullable List<Path> readFiles() {
		try {
			List<?> files = (List<?>) this.clipboard.getData(DataFlavor.javaFileListFlavor);
			return files.stream().map((file) -> ((File) file).toPath()).toList();
		}
		catch (UnsupportedFlavorException | IOException | IllegalStateException | ClassCastException ex) {
			return null;
		}
	}

	private static String digest(byte[] bytes) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is part of every JDK", ex);
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
		synchronized (this.lock) {
			this.holding = clipId;
			this.clipboard.setContents(new Content(text, concealed), owner(clipId));
			this.lastSeen = text;
		}
	}

	@Override
	public boolean applyImage(byte[] png, String clipId) {
		synchronized (this.lock) {
			this.holding = clipId;
			this.clipboard.setContents(new Raw(PNG, png), owner(clipId));
			this.lastImage = digest(png);
			return true;
		}
	}

	@Override
	public boolean applyFiles(List<Path> files, String clipId) {
		synchronized (this.lock) {
			this.holding = clipId;
			this.clipboard.setContents(new Files(files), owner(clipId));
			this.lastFiles = List.copyOf(files);
			return true;
		}
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
		synchronized (this.lock) {
			if (Objects.equals(this.holding, clipId)) {
				String cleared = "cleared:" + clipId;
				this.holding = cleared;
				this.clipboard.setContents(new Content("", false), owner(cleared));
				this.lastSeen = "";
			}
		}
	}

	@Override
	public void close() {
		this.poller.shutdownNow();
	}

	/** A flavor that hands over a target's bytes untouched, as an InputStream. */
	private static DataFlavor rawFlavor(String mime, String target) {
		try {
			DataFlavor flavor = new DataFlavor(mime + ";class=java.io.InputStream");
			SystemFlavorMap map = (SystemFlavorMap) SystemFlavorMap.getDefaultFlavorMap();
			map.addUnencodedNativeForFlavor(flavor, target);
			map.addFlavorForUnencodedNative(target, flavor);
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

	/** Bytes offered under one target, exactly as given. */
	static final class Raw implements Transferable {

		private final DataFlavor flavor;

		private final byte[] bytes;

		Raw(DataFlavor flavor, byte[] bytes) {
			this.flavor = flavor;
			this.bytes = bytes;
		}

		@Override
		public DataFlavor[] getTransferDataFlavors() {
			return new DataFlavor[] { this.flavor };
		}

		@Override
		public boolean isDataFlavorSupported(DataFlavor flavor) {
			return this.flavor.equals(flavor);
		}

		@Override
		public Object getTransferData(DataFlavor flavor) throws UnsupportedFlavorException {
			if (!this.flavor.equals(flavor)) {
				throw new UnsupportedFlavorException(flavor);
			}
			return new ByteArrayInputStream(this.bytes);
		}

	}

	/** A file list, and the paths as text for programs that take only text. */
	static final class Files implements Transferable {

		private final List<Path> files;

		Files(List<Path> files) {
			this.files = List.copyOf(files);
		}

		@Override
		public DataFlavor[] getTransferDataFlavors() {
			return new DataFlavor[] { DataFlavor.javaFileListFlavor, DataFlavor.stringFlavor };
		}

		@Override
		public boolean isDataFlavorSupported(DataFlavor flavor) {
			return DataFlavor.javaFileListFlavor.equals(flavor) || DataFlavor.stringFlavor.equals(flavor);
		}

		@Override
		public Object getTransferData(DataFlavor flavor) throws UnsupportedFlavorException {
			if (DataFlavor.javaFileListFlavor.equals(flavor)) {
				return this.files.stream().map(Path::toFile).toList();
			}
			if (DataFlavor.stringFlavor.equals(flavor)) {
				return String.join("\n", this.files.stream().map(Path::toString).toList());
			}
			throw new UnsupportedFlavorException(flavor);
		}

	}

}
