package dev.clipsync.auth.throttle;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.HexFormat;

/**
 * What a client address counts as in per-address limits. An IPv6 client usually holds a
 * whole /64 (and picks new addresses in it at will, RFC 8981), so it counts as its /64;
 * an IPv4 client counts as its address.
 */
final class ClientAddresses {

	private ClientAddresses() {
	}

	/**
	 * @param remoteAddress the address as the server sees it (a literal, never a name)
	 * @return the key it is counted under
	 */
	static String key(String remoteAddress) {
		InetAddress address;
		try {
			address = InetAddress.ofLiteral(remoteAddress);
		}
		catch (IllegalArgumentException ex) {
			return remoteAddress; // not a literal: count it as it is
		}
		if (address instanceof Inet6Address) {
			byte[] prefix = new byte[8];
			System.arraycopy(address.getAddress(), 0, prefix, 0, 8);
			return HexFormat.of().formatHex(prefix) + "/64";
		}
		return address.getHostAddress();
	}

}
