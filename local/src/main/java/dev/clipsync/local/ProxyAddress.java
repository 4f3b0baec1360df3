package dev.clipsync.local;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;

/**
 * The address the front door connects to the services from, and the only one they believe
 * {@code X-Forwarded-For} from. On Linux all of 127/8 is loopback, so the front door uses
 * 127.0.0.2 and a client calling a service's own port from 127.0.0.1 cannot pick its own
 * address. Where 127.0.0.2 is not usable (macOS by default) it falls back to 127.0.0.1,
 * which trusts every local process.
 */
final class ProxyAddress {

	private ProxyAddress() {
	}

	static InetAddress choose() throws UnknownHostException {
		InetAddress second = InetAddress.getByAddress(new byte[] { 127, 0, 0, 2 });
		try (Socket socket = new Socket()) {
			socket.bind(new InetSocketAddress(second, 0));
			return second;
		}
		catch (IOException ex) {
			return InetAddress.getByAddress(new byte[] { 127, 0, 0, 1 });
		}
	}

	/** For {@code server.tomcat.remoteip.internal-proxies}: this address exactly. */
	static String regex(InetAddress address) {
		return address.getHostAddress().replace(".", "\\.");
	}

}
