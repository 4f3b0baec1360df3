package dev.clipsync.client.testfleet;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A plain TCP load balancer on loopback, like the front door of a deployment: each new
 * connection goes to the next backend that accepts it. A test can cut it (every open
 * connection closed, new ones refused) to take what is behind it away without touching
 * it.
 */
public final class TcpProxy implements AutoCloseable {

	private final ServerSocket server;

	private final List<Integer> backends = new CopyOnWriteArrayList<>();

	private final Set<Socket> open = ConcurrentHashMap.newKeySet();

	private final AtomicInteger next = new AtomicInteger();

	private volatile boolean cut;

	public TcpProxy() {
		try {
			this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		Thread.ofVirtual().name("tcp-proxy-" + port()).start(this::accept);
	}

	public int port() {
		return this.server.getLocalPort();
	}

	public void backends(List<Integer> ports) {
		this.backends.clear();
		this.backends.addAll(ports);
	}

	/** Close every open connection and refuse new ones, until {@link #restore()}. */
	public void cut() {
		this.cut = true;
		for (Socket socket : this.open) {
			closeQuietly(socket);
		}
		this.open.clear();
	}

	public void restore() {
		this.cut = false;
	}

	private void accept() {
		while (!this.server.isClosed()) {
			Socket client;
			try {
				client = this.server.accept();
			}
			catch (IOException ex) {
				return;
			}
			if (this.cut) {
				closeQuietly(client);
				continue;
			}
			Thread.ofVirtual().start(() -> connect(client));
		}
	}

	private void connect(Socket client) {
		List<Integer> ports = List.copyOf(this.backends);
		for (int i = 0; i < ports.size(); i++) {
			int port = ports.get(Math.floorMod(this.next.getAndIncrement(), ports.size()));
			Socket backend = new Socket();
			try {
				backend.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
			}
			catch (IOException ex) {
				closeQuietly(backend);
				continue;
			}
			this.open.add(client);
			this.open.add(backend);
			Thread.ofVirtual().start(() -> pump(client, backend));
			Thread.ofVirtual().start(() -> pump(backend, client));
			return;
		}
		closeQuietly(client);
	}

	private void pump(Socket from, Socket to) {
		byte[] buffer = new byte[16384];
		try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
			int read;
			while ((read = in.read(buffer)) >= 0) {
				out.write(buffer, 0, read);
				out.flush();
			}
		}
		catch (IOException ex) {
			// one side is gone
		}
		finally {
			closeQuietly(from);
			closeQuietly(to);
			this.open.remove(from);
			this.open.remove(to);
		}
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// closed already
		}
	}

	@Override
	public void close() {
		cut();
		try {
			this.server.close();
		}
		catch (IOException ex) {
			// closed already
		}
	}

}
